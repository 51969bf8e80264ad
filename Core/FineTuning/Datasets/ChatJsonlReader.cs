using System.Text;
using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>Reads chat-format JSON Lines (one <c>{"messages": [...]}</c> per line), as OpenAI's fine-tuning API and TRL take them.</summary>
public static class ChatJsonlReader
{
    private const string ChatExampleShape =
        "valid chat examples ({\"messages\": [{\"role\": \"user\", \"content\": \"…\"}, {\"role\": \"assistant\", \"content\": \"…\"}]} per line)";

    /// <summary>Blank lines are skipped (they hold no example); every other line must be a valid example.</summary>
    /// <exception cref="JsonlUploadException">One or more lines are bad; each is named by its 1-based line number.</exception>
    /// <exception cref="ValidationException">The file holds no example at all.</exception>
    public static async Task<IReadOnlyList<TrainingExample>> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var examples = new List<TrainingExample>();
        var errors = new List<JsonlLineError>();
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (DecoderFallbackException)
            {
                errors.Add(new JsonlLineError(number + 1, "not UTF-8 text"));
                break;
            }
            if (line is null) break;
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (Parse(line, out var error) is { } example) examples.Add(example);
            else errors.Add(new JsonlLineError(number, error!));
        }
        if (errors.Count > 0) throw new JsonlUploadException(errors, number, ChatExampleShape);
        if (examples.Count == 0) throw new ValidationException("The upload holds no example: send one {\"messages\": [...]} object per line.");
        return examples;
    }

    /// <returns>The example, or null with <paramref name="error"/> saying what is wrong with the line.</returns>
    public static TrainingExample? Parse(string line, out string? error)
    {
        error = null;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            error = $"not valid JSON ({ex.Message.Split(" Path:")[0].TrimEnd('.')})";
            return null;
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            error = "no \"messages\" array";
            return null;
        }
        var messages = new List<ChatTurn>();
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            index++;
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                error = $"message {index} needs a string \"role\" and a string \"content\"";
                return null;
            }
            messages.Add(new ChatTurn(role.GetString()!, content.GetString()!));
        }
        error = ChatFormat.Check(messages);
        return error is null ? new TrainingExample(messages) : null;
    }
}
