using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers.Pdf;

/// <summary>
/// A loosely parsed PDF: every "N G obj … endobj" found by scanning (later definitions win, as with incremental updates),
/// objects inside object streams, and the trailer. The cross-reference table is not trusted, so damaged files still read.
/// </summary>
internal sealed partial class PdfFile
{
    private const int MaxDepth = 32;
    private readonly Dictionary<int, object?> _objects = [];
    private readonly Dictionary<string, object?> _trailer = [];

    private PdfFile() { }

    /// <summary>True if the file declares encryption, in which case its strings and streams cannot be read.</summary>
    public bool IsEncrypted => _trailer.ContainsKey("Encrypt");

    /// <exception cref="DocumentParseException">There is no %PDF header.</exception>
    public static PdfFile Load(byte[] bytes)
    {
        var source = Encoding.Latin1.GetString(bytes);
        if (source.IndexOf("%PDF-", 0, Math.Min(source.Length, 1024), StringComparison.Ordinal) < 0)
            throw new DocumentParseException("The file is not a valid PDF: it does not start with a %PDF header.");
        var file = new PdfFile();
        file.ScanObjects(source);
        file.ReadTrailers(source);
        file.ExpandObjectStreams();
        return file;
    }

    public object? Resolve(object? value)
    {
        for (var depth = 0; value is PdfReference reference && depth < MaxDepth; depth++)
            value = _objects.GetValueOrDefault(reference.Number);
        return value is PdfReference ? null : value;
    }

    public PdfDictionary? ResolveDictionary(object? value) => Resolve(value) switch
    {
        PdfDictionary dictionary => dictionary,
        PdfStream stream => stream.Dictionary,
        _ => null,
    };

    /// <summary>The page dictionaries in reading order, each with the resources it has or inherits.</summary>
    public IReadOnlyList<(PdfDictionary Page, PdfDictionary? Resources)> Pages()
    {
        var pages = new List<(PdfDictionary, PdfDictionary?)>();
        var catalog = ResolveDictionary(_trailer.GetValueOrDefault("Root"))
            ?? _objects.Values.Select(ResolveDictionary).FirstOrDefault(d => d?.NameOf("Type") == "Catalog");
        if (catalog is not null)
            CollectPages(catalog["Pages"], null, pages, new HashSet<PdfDictionary>(ReferenceEqualityComparer.Instance), 0);
        if (pages.Count == 0)
        {
            // No usable page tree: fall back to every page object in object-number order.
            foreach (var (_, value) in _objects.OrderBy(o => o.Key))
                if (ResolveDictionary(value) is { } page && page.NameOf("Type") == "Page")
                    pages.Add((page, ResolveDictionary(page["Resources"])));
        }
        return pages;
    }

    private void CollectPages(object? node, PdfDictionary? inherited, List<(PdfDictionary, PdfDictionary?)> pages,
        HashSet<PdfDictionary> visited, int depth)
    {
        if (ResolveDictionary(node) is not { } dictionary || depth > MaxDepth || !visited.Add(dictionary))
            return;
        var resources = ResolveDictionary(dictionary["Resources"]) ?? inherited;
        if (Resolve(dictionary["Kids"]) is List<object?> kids)
        {
            foreach (var kid in kids)
                CollectPages(kid, resources, pages, visited, depth + 1);
        }
        else if (dictionary.NameOf("Type") is "Page" or null)
        {
            pages.Add((dictionary, resources));
        }
    }

    /// <summary>The decoded bytes of a stream, or null if it uses a filter this reader does not support (e.g. images).</summary>
    public byte[]? Decode(PdfStream stream)
    {
        var data = stream.RawData;
        var filters = Resolve(stream.Dictionary["Filter"]) switch
        {
            PdfName name => [name.Value],
            List<object?> list => list.Select(f => (Resolve(f) as PdfName)?.Value ?? "").ToList(),
            _ => new List<string>(),
        };
        foreach (var filter in filters)
        {
            data = filter switch
            {
                "FlateDecode" or "Fl" => Inflate(data),
                "ASCIIHexDecode" or "AHx" => AsciiHexDecode(data),
                "ASCII85Decode" or "A85" => Ascii85Decode(data),
                _ => null,
            };
            if (data is null)
                return null;
        }
        return data;
    }

    private void ScanObjects(string source)
    {
        var position = 0;
        while (position < source.Length)
        {
            var match = ObjectHeader().Match(source, position);
            if (!match.Success)
                break;
            if (!int.TryParse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var number))
            {
                position = match.Index + match.Length;
                continue;
            }
            var lexer = new PdfLexer(source, match.Index + match.Length);
            try
            {
                var value = lexer.ReadObject();
                if (value is PdfDictionary dictionary && TryReadStream(source, lexer, dictionary) is { } stream)
                    value = stream;
                _objects[number] = value is PdfEndOfInput ? null : value;
                position = Math.Max(lexer.Position, match.Index + match.Length);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                position = match.Index + match.Length;
            }
        }
    }

    private static PdfStream? TryReadStream(string source, PdfLexer lexer, PdfDictionary dictionary)
    {
        lexer.SkipWhitespaceAndComments();
        if (string.CompareOrdinal(source, lexer.Position, "stream", 0, 6) != 0)
            return null;
        var start = lexer.Position + 6;
        if (start < source.Length && source[start] == '\r') start++;
        if (start < source.Length && source[start] == '\n') start++;
        var end = -1;
        if (dictionary["Length"] is double length && length >= 0 && start + (long)length <= source.Length)
        {
            // Trust /Length only if "endstream" really follows it.
            var after = new PdfLexer(source, start + (int)length);
            after.SkipWhitespaceAndComments();
            if (string.CompareOrdinal(source, after.Position, "endstream", 0, 9) == 0)
                end = start + (int)length;
        }
        int resume;
        if (end < 0)
        {
            var marker = source.IndexOf("endstream", start, StringComparison.Ordinal);
            end = marker < 0 ? source.Length : marker;
            resume = marker < 0 ? source.Length : marker + 9;
            if (end > start && source[end - 1] == '\n') end--;
            if (end > start && source[end - 1] == '\r') end--;
        }
        else
        {
            var marker = source.IndexOf("endstream", end, StringComparison.Ordinal);
            resume = marker < 0 ? source.Length : marker + 9;
        }
        lexer.Position = resume;
        return new PdfStream(dictionary, Encoding.Latin1.GetBytes(source, start, end - start));
    }

    private void ReadTrailers(string source)
    {
        foreach (Match match in Trailer().Matches(source))
            if (new PdfLexer(source, match.Index + match.Length - 2).ReadObject() is PdfDictionary trailer)
                Merge(trailer);
        // PDF 1.5 files keep the trailer in the cross-reference stream's dictionary.
        foreach (var value in _objects.Values)
            if (value is PdfStream { Dictionary: var dictionary } && dictionary.NameOf("Type") == "XRef")
                Merge(dictionary);
    }

    private void Merge(PdfDictionary trailer)
    {
        foreach (var (key, value) in trailer.Entries)
            if (key is "Root" or "Encrypt" or "Info")
                _trailer[key] = value;
    }

    private void ExpandObjectStreams()
    {
        var objectStreams = _objects.Values.OfType<PdfStream>().Where(s => s.Dictionary.NameOf("Type") == "ObjStm").ToList();
        foreach (var objectStream in objectStreams)
        {
            if (Decode(objectStream) is not { } data)
                continue;
            var source = Encoding.Latin1.GetString(data);
            var count = (int)(Resolve(objectStream.Dictionary["N"]) as double? ?? 0);
            var first = (int)(Resolve(objectStream.Dictionary["First"]) as double? ?? 0);
            var header = new PdfLexer(source);
            for (var i = 0; i < count; i++)
            {
                if (header.ReadObject() is not double number || header.ReadObject() is not double offset)
                    break;
                if (_objects.ContainsKey((int)number) || first + (int)offset >= source.Length)
                    continue; // an object defined at top level (e.g. by an incremental update) wins
                var value = new PdfLexer(source, first + (int)offset).ReadObject();
                _objects[(int)number] = value is PdfEndOfInput ? null : value;
            }
        }
    }

    private static byte[] Inflate(byte[] data)
    {
        var output = new MemoryStream();
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
            zlib.CopyTo(output);
        }
        catch (InvalidDataException)
        {
            // Truncated or checksum-less streams are common; keep what was decoded.
        }
        if (output.Length == 0 && data.Length > 2)
        {
            try
            {
                using var deflate = new DeflateStream(new MemoryStream(data, 2, data.Length - 2), CompressionMode.Decompress);
                deflate.CopyTo(output);
            }
            catch (InvalidDataException)
            {
            }
        }
        return output.ToArray();
    }

    private static byte[] AsciiHexDecode(byte[] data) =>
        new PdfLexer("<" + Encoding.Latin1.GetString(data)).ReadObject() is PdfString s ? s.Bytes : [];

    private static byte[] Ascii85Decode(byte[] data)
    {
        var output = new List<byte>();
        uint tuple = 0;
        var count = 0;
        foreach (var b in data)
        {
            if (b == '~')
                break;
            if (b == 'z' && count == 0)
            {
                output.AddRange([0, 0, 0, 0]);
                continue;
            }
            if (b is < (byte)'!' or > (byte)'u')
                continue;
            tuple = tuple * 85 + (uint)(b - '!');
            if (++count == 5)
            {
                output.AddRange([(byte)(tuple >> 24), (byte)(tuple >> 16), (byte)(tuple >> 8), (byte)tuple]);
                tuple = 0;
                count = 0;
            }
        }
        if (count > 1)
        {
            for (var i = count; i < 5; i++)
                tuple = tuple * 85 + 84;
            for (var i = 0; i < count - 1; i++)
                output.Add((byte)(tuple >> (24 - 8 * i)));
        }
        return output.ToArray();
    }

    [GeneratedRegex(@"(?<!\d)(\d+)\s+(\d+)\s+obj\b")]
    private static partial Regex ObjectHeader();

    [GeneratedRegex(@"trailer\s*<<")]
    private static partial Regex Trailer();
}
