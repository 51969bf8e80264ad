using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>
/// Reads eval questions from JSON Lines: one object per line,
/// <c>{"question": "...", "answer": "...", "relevantDocuments": ["guide.md"], "tags": ["faq"], "unanswerable": false, "id": "q1"}</c>.
/// Only <c>question</c> is required. Blank lines are skipped. Every bad line is reported, each with its line number.
/// </summary>
public static class JsonlEvalSetReader
{
    private const string EvalQuestionShape = "eval questions ({\"question\": \"…\", \"answer\": \"…\"} per line)";
    private static readonly string[] KnownFields = ["id", "question", "answer", "relevantDocuments", "tags", "unanswerable"];

    /// <exception cref="JsonlUploadException">Lines that are not JSON objects, lack a question, have a field of the wrong type, an unknown field or a repeated id.</exception>
    /// <exception cref="ValidationException">The file has no questions.</exception>
    public static async Task<IReadOnlyList<EvalItem>> ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var items = new List<EvalItem>();
        var errors = new List<JsonlLineError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var item = ParseLine(line, items.Count + 1);
                if (!ids.Add(item.Id))
                    throw new ValidationException($"the id '{item.Id}' is already used by an earlier line; ids must be unique.");
                items.Add(item);
            }
            catch (ValidationException bad)
            {
                errors.Add(new JsonlLineError(lineNumber, bad.Message.TrimEnd('.')));
            }
        }
        if (errors.Count > 0) throw new JsonlUploadException(errors, lineNumber, EvalQuestionShape);
        if (items.Count == 0)
            throw new ValidationException("The eval set has no questions: give one JSON object per line, e.g. {\"question\": \"What is the refund window?\", \"answer\": \"30 days\"}.");
        return items;
    }

    public static Task<IReadOnlyList<EvalItem>> ReadAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadAsync(new StreamReader(stream, leaveOpen: true), cancellationToken);

    private static EvalItem ParseLine(string line, int position)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ValidationException($"not valid JSON ({e.Message.Split('.')[0]}). Each line must be one JSON object.");
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new ValidationException($"expected a JSON object like {{\"question\": \"...\"}}, found a {root.ValueKind.ToString().ToLowerInvariant()}.");

        foreach (var property in root.EnumerateObject())
        {
            if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
                throw new ValidationException($"unknown field '{property.Name}'. Accepted fields: {string.Join(", ", KnownFields)}.");
        }

        var question = OptionalString(root, "question");
        if (string.IsNullOrWhiteSpace(question))
            throw new ValidationException("\"question\" is missing or empty.");

        return new EvalItem(
            Id: OptionalString(root, "id")?.Trim() is { Length: > 0 } id ? id : $"q{position}",
            Question: question.Trim(),
            Answer: OptionalString(root, "answer")?.Trim() is { Length: > 0 } answer ? answer : null,
            RelevantDocuments: StringArray(root, "relevantDocuments"),
            Tags: StringArray(root, "tags"),
            Unanswerable: OptionalBool(root, "unanswerable"));
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ValidationException($"\"{name}\" must be a string, found a {value.ValueKind.ToString().ToLowerInvariant()}.");
    }

    private static bool OptionalBool(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ValidationException($"\"{name}\" must be true or false."),
        };
    }

    private static IReadOnlyList<string> StringArray(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
            throw new ValidationException($"\"{name}\" must be an array of strings, e.g. [\"guide.md\"].");
        var result = new List<string>();
        foreach (var element in value.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
                throw new ValidationException($"every entry of \"{name}\" must be a non-empty string.");
            result.Add(element.GetString()!.Trim());
        }
        return result;
    }
}
