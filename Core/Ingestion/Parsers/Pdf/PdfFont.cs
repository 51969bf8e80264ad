using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers.Pdf;

/// <summary>
/// Turns the bytes of a shown string into text for one font: through its ToUnicode CMap when present, else through
/// its simple encoding (WinAnsi, Standard or MacRoman, with /Differences). Composite (Type0) fonts use two-byte codes.
/// </summary>
internal sealed class PdfFont
{
    private static readonly Encoding MacRoman =
        CodePagesEncodingProvider.Instance.GetEncoding(10000) ?? Encoding.Latin1;

    private readonly PdfToUnicodeMap? _toUnicode;
    private readonly bool _composite;
    private readonly string _baseEncoding;
    private readonly Dictionary<int, string> _differences = [];

    private PdfFont(PdfToUnicodeMap? toUnicode, bool composite, string baseEncoding)
    {
        _toUnicode = toUnicode;
        _composite = composite;
        _baseEncoding = baseEncoding;
    }

    /// <summary>Used when a page shows text without a usable font: bytes read as WinAnsi.</summary>
    public static PdfFont Fallback { get; } = new(null, composite: false, "WinAnsiEncoding");

    public static PdfFont Create(PdfDictionary font, PdfFile file)
    {
        PdfToUnicodeMap? toUnicode = null;
        if (file.Resolve(font["ToUnicode"]) is PdfStream cmapStream && file.Decode(cmapStream) is { } cmap)
        {
            toUnicode = PdfToUnicodeMap.Parse(cmap);
            if (toUnicode.MappingCount == 0)
                toUnicode = null;
        }
        var composite = font.NameOf("Subtype") == "Type0";
        var encoding = file.Resolve(font["Encoding"]);
        var baseEncoding = encoding switch
        {
            PdfName name => name.Value,
            PdfDictionary dictionary => dictionary.NameOf("BaseEncoding") ?? "WinAnsiEncoding",
            _ => "WinAnsiEncoding",
        };
        var result = new PdfFont(toUnicode, composite, baseEncoding);
        if (encoding is PdfDictionary withDifferences && file.Resolve(withDifferences["Differences"]) is List<object?> differences)
        {
            // [code /name1 /name2 … code /name …]: names apply to consecutive codes from the preceding number.
            var code = 0;
            foreach (var item in differences)
            {
                if (file.Resolve(item) is double number)
                    code = (int)number;
                else if (item is PdfName glyph && PdfGlyphNames.ToUnicode(glyph.Value) is { } text)
                    result._differences[code++] = text;
                else if (item is PdfName)
                    code++;
            }
        }
        return result;
    }

    public string Decode(byte[] bytes)
    {
        var builder = new StringBuilder();
        if (_toUnicode is not null)
        {
            foreach (var (length, code) in _toUnicode.Codes(bytes, _composite ? 2 : 1))
            {
                if (_toUnicode.Lookup(length, code) is { } text)
                    builder.Append(text);
                else if (!_composite && length == 1)
                    builder.Append(DecodeSimple((byte)code));
            }
            return builder.ToString();
        }
        if (_composite)
            return ""; // glyph ids without a ToUnicode map cannot be turned into text
        foreach (var b in bytes)
            builder.Append(DecodeSimple(b));
        return builder.ToString();
    }

    private string DecodeSimple(byte value)
    {
        if (_differences.TryGetValue(value, out var text))
            return text;
        return _baseEncoding switch
        {
            "MacRomanEncoding" => MacRoman.GetString([value]),
            "StandardEncoding" when value == 0x27 => "\u2019",
            "StandardEncoding" when value == 0x60 => "\u2018",
            _ => WindowsLatin1.Map(value).ToString(),
        };
    }
}
