using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>Writes examples as JSON Lines in one of the <see cref="DatasetExportFormat"/>s, one example per line.</summary>
public static class DatasetExporter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <exception cref="ValidationException">An unknown format name.</exception>
    public static DatasetExportFormat ParseFormat(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "openai" or "chat" or "messages" => DatasetExportFormat.OpenAi,
        "sharegpt" => DatasetExportFormat.ShareGpt,
        "alpaca" => DatasetExportFormat.Alpaca,
        _ => throw new ValidationException($"Unknown export format '{name}'. Use openai (chat messages JSONL), sharegpt or alpaca."),
    };

    public static async Task WriteAsync(IEnumerable<TrainingExample> examples, DatasetExportFormat format, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var example in examples)
            await writer.WriteLineAsync(Line(example, format).AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One example as one JSON line (no trailing newline).</summary>
    public static string Line(TrainingExample example, DatasetExportFormat format) => format switch
    {
        DatasetExportFormat.OpenAi => JsonSerializer.Serialize(new { messages = example.Messages.Select(m => new { role = m.Role, content = m.Content }) }, Json),
        DatasetExportFormat.ShareGpt => JsonSerializer.Serialize(new { conversations = example.Messages.Select(m => new { from = ShareGptRole(m.Role), value = m.Content }) }, Json),
        DatasetExportFormat.Alpaca => JsonSerializer.Serialize(Alpaca(example), Json),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static string ShareGptRole(string role) => role switch
    {
        ChatTurn.System => "system",
        ChatTurn.User => "human",
        ChatTurn.Assistant => "gpt",
        _ => role,
    };

    /// <summary>
    /// The last user/assistant pair is the instruction and output; earlier pairs go to <c>history</c> as [instruction, output],
    /// the leading system message to <c>system</c>: LLaMA-Factory's Alpaca columns.
    /// </summary>
    private static AlpacaRecord Alpaca(TrainingExample example)
    {
        var system = example.Messages.FirstOrDefault(m => m.Role == ChatTurn.System)?.Content;
        var turns = example.Messages.Where(m => m.Role != ChatTurn.System).ToList();
        var pairs = new List<string[]>();
        for (var i = 0; i + 1 < turns.Count; i += 2) pairs.Add([turns[i].Content, turns[i + 1].Content]);
        var last = pairs[^1];
        return new AlpacaRecord(last[0], "", last[1], system, pairs.Count > 1 ? pairs.Take(pairs.Count - 1).ToList() : null);
    }

    private sealed record AlpacaRecord(
        [property: JsonPropertyName("instruction")] string Instruction,
        [property: JsonPropertyName("input")] string Input,
        [property: JsonPropertyName("output")] string Output,
        [property: JsonPropertyName("system")] string? System,
        [property: JsonPropertyName("history")] IReadOnlyList<string[]>? History);
}
