using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>
/// Reads eval questions from JSON Lines: one object per line,
/// <c>{"question": "...", "answer": "...", "relevantDocuments": ["guide.md"], "tags": ["faq"], "unanswerable": false, "id": "q1"}</c>.
/// Only <c>question</c> is required. Blank lines are skipped. Any bad line stops the import with a message naming the line.
/// </summary>
public static class JsonlEvalSetReader
{
    private static readonly string[] KnownFields = ["id", "question", "answer", "relevantDocuments", "tags", "unanswerable"];

    /// <exception cref="ValidationException">A line is not a JSON object, lacks a question, has a field of the wrong type, an unknown field or a repeated id; or the file has no questions.</exception>
    public static async Task<IReadOnlyList<EvalItem>> ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var items = new List<EvalItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var item = ParseLine(line, lineNumber, items.Count + 1);
            if (!ids.Add(item.Id))
                throw new ValidationException($"Line {lineNumber}: the id '{item.Id}' is already used by an earlier line; ids must be unique.");
            items.Add(item);
        }
        if (items.Count == 0)
            throw new ValidationException("The eval set has no questions: give one JSON object per line, e.g. {\"question\": \"What is the refund window?\", \"answer\": \"30 days\"}.");
        return items;
    }

    public static Task<IReadOnlyList<EvalItem>> ReadAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadAsync(new StreamReader(stream, leaveOpen: true), cancellationToken);

    private static EvalItem ParseLine(string line, int lineNumber, int position)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ValidationException($"Line {lineNumber}: not valid JSON ({e.Message.Split('.')[0]}). Each line must be one JSON object.");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new ValidationException($"Line {lineNumber}: expected a JSON object like {{\"question\": \"...\"}}, found a {root.ValueKind.ToString().ToLowerInvariant()}.");

        foreach (var property in root.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
                throw new ValidationException($"Line {lineNumber}: unknown field '{property.Name}'. Accepted fields: {string.Join(", ", KnownFields)}.");
        }

        var question = OptionalString(root, "question", lineNumber);
        if (string.IsNullOrWhiteSpace(question))
            throw new ValidationException($"Line {lineNumber}: \"question\" is missing or empty.");

        return new EvalItem(
            Id: OptionalString(root, "id", lineNumber)?.Trim() is { Length: > 0 } id ? id : $"q{position}",
            Question: question.Trim(),
            Answer: OptionalString(root, "answer", lineNumber)?.Trim() is { Length: > 0 } answer ? answer : null,
            RelevantDocuments: StringArray(root, "relevantDocuments", lineNumber),
            Tags: StringArray(root, "tags", lineNumber),
            Unanswerable: OptionalBool(root, "unanswerable", lineNumber));
    }

    private static string? OptionalString(JsonElement root, string name, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ValidationException($"Line {lineNumber}: \"{name}\" must be a string, found a {value.ValueKind.ToString().ToLowerInvariant()}.");
    }

    private static bool OptionalBool(JsonElement root, string name, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ValidationException($"Line {lineNumber}: \"{name}\" must be true or false."),
        };
    }

    private static IReadOnlyList<string> StringArray(JsonElement root, string name, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
            throw new ValidationException($"Line {lineNumber}: \"{name}\" must be an array of strings, e.g. [\"guide.md\"].");
        var result = new List<string>();
        foreach (var element in value.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
                throw new ValidationException($"Line {lineNumber}: every entry of \"{name}\" must be a non-empty string.");
            result.Add(element.GetString()!.Trim());
        }
        return result;
    }
}
