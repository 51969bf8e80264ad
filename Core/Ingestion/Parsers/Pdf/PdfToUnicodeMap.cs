using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers.Pdf;

/// <summary>
/// A font's ToUnicode CMap: codespace ranges (how many bytes a character code has) and bfchar/bfrange mappings
/// from codes to Unicode text (UTF-16BE in the CMap).
/// </summary>
internal sealed class PdfToUnicodeMap
{
    private const int MaxRangeSize = 65_536;
    private readonly List<(int Length, uint Low, uint High)> _codespaces = [];
    private readonly Dictionary<(int Length, uint Code), string> _map = [];

    public int MappingCount => _map.Count;

    public static PdfToUnicodeMap Parse(byte[] cmap)
    {
        var result = new PdfToUnicodeMap();
        var lexer = new PdfLexer(Encoding.Latin1.GetString(cmap));
        while (true)
        {
            var token = lexer.ReadObject();
            if (token is PdfEndOfInput)
                break;
            if (token is not PdfOperator op)
                continue;
            switch (op.Name)
            {
                case "begincodespacerange":
                    foreach (var items in ReadGroups(lexer, "endcodespacerange", 2))
                        if (items[0] is PdfString low && items[1] is PdfString high && low.Bytes.Length is > 0 and <= 4)
                            result._codespaces.Add((low.Bytes.Length, ToCode(low.Bytes), ToCode(high.Bytes)));
                    break;
                case "beginbfchar":
                    foreach (var items in ReadGroups(lexer, "endbfchar", 2))
                        if (items[0] is PdfString source && source.Bytes.Length is > 0 and <= 4)
                            result.Add(source.Bytes.Length, ToCode(source.Bytes), Destination(items[1]));
                    break;
                case "beginbfrange":
                    foreach (var items in ReadGroups(lexer, "endbfrange", 3))
                        result.AddRange(items);
                    break;
            }
        }
        return result;
    }

    /// <summary>Splits a string of character codes into codes, using the codespace ranges (or a fixed width without any).</summary>
    public IEnumerable<(int Length, uint Code)> Codes(byte[] bytes, int defaultLength)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var length = CodeLength(bytes, i, defaultLength);
            yield return (length, ToCode(bytes.AsSpan(i, length)));
            i += length;
        }
    }

    public string? Lookup(int length, uint code) => _map.GetValueOrDefault((length, code));

    private int CodeLength(byte[] bytes, int index, int defaultLength)
    {
        if (_codespaces.Count > 0)
        {
            for (var length = 1; length <= 4 && index + length <= bytes.Length; length++)
            {
                var code = ToCode(bytes.AsSpan(index, length));
                foreach (var range in _codespaces)
                    if (range.Length == length && code >= range.Low && code <= range.High)
                        return length;
            }
        }
        return Math.Min(defaultLength, bytes.Length - index);
    }

    private void Add(int length, uint code, string? text)
    {
        if (text is not null)
            _map[(length, code)] = text;
    }

    private void AddRange(object?[] items)
    {
        if (items[0] is not PdfString low || items[1] is not PdfString high || low.Bytes.Length is 0 or > 4)
            return;
        var length = low.Bytes.Length;
        var first = ToCode(low.Bytes);
        var last = ToCode(high.Bytes);
        if (last < first || last - first >= MaxRangeSize)
            return;
        if (items[2] is List<object?> destinations)
        {
            for (var i = 0; i < destinations.Count && first + i <= last; i++)
                Add(length, first + (uint)i, Destination(destinations[i]));
        }
        else if (items[2] is PdfString start && start.Bytes.Length >= 2)
        {
            // Consecutive codes map to consecutive values of the destination's last UTF-16 unit.
            var units = Encoding.BigEndianUnicode.GetString(start.Bytes).ToCharArray();
            var baseUnit = units[^1];
            for (var code = first; code <= last; code++)
            {
                units[^1] = (char)(baseUnit + (code - first));
                Add(length, code, new string(units));
            }
        }
    }

    private static string? Destination(object? value) => value switch
    {
        PdfString text => Encoding.BigEndianUnicode.GetString(text.Bytes).TrimEnd('\0'),
        PdfName name => PdfGlyphNames.ToUnicode(name.Value),
        _ => null,
    };

    /// <summary>Reads groups of <paramref name="size"/> operands until the closing operator.</summary>
    private static IEnumerable<object?[]> ReadGroups(PdfLexer lexer, string end, int size)
    {
        var group = new List<object?>(size);
        while (true)
        {
            var token = lexer.ReadObject();
            if (token is PdfEndOfInput || token is PdfOperator op && op.Name == end)
                yield break;
            group.Add(token);
            if (group.Count == size)
            {
                yield return group.ToArray();
                group.Clear();
            }
        }
    }

    private static uint ToCode(ReadOnlySpan<byte> bytes)
    {
        uint code = 0;
        foreach (var b in bytes[..Math.Min(bytes.Length, 4)])
            code = (code << 8) | b;
        return code;
    }
}
