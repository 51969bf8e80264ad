using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion.Parsers.Pdf;

// The PDF object model, as far as text extraction needs it. Numbers are doubles, booleans bools,
// arrays List<object?>, null is null.

internal sealed record PdfName(string Value);

/// <summary>A literal or hex string: raw bytes, decoded later by a font or text encoding.</summary>
internal sealed record PdfString(byte[] Bytes);

internal sealed record PdfReference(int Number, int Generation);

/// <summary>A bare keyword in a content stream or CMap (Tj, BT, beginbfchar…).</summary>
internal sealed record PdfOperator(string Name);

internal sealed class PdfDictionary(Dictionary<string, object?> entries)
{
    public object? this[string key] => entries.GetValueOrDefault(key);

    public bool ContainsKey(string key) => entries.ContainsKey(key);

    public IEnumerable<KeyValuePair<string, object?>> Entries => entries;

    public string? NameOf(string key) => (this[key] as PdfName)?.Value;
}

/// <summary>A stream object: its dictionary and the raw (still encoded) bytes.</summary>
internal sealed record PdfStream(PdfDictionary Dictionary, byte[] RawData);

/// <summary>Marks the end of the input for the lexer.</summary>
internal sealed record PdfEndOfInput
{
    public static readonly PdfEndOfInput Instance = new();
}
