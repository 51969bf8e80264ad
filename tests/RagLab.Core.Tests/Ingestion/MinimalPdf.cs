using System.IO.Compression;
using System.Text;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>Writes small, valid PDF files by hand (objects, xref table, trailer) so the extractor meets real syntax.</summary>
internal sealed class MinimalPdf
{
    public const string Helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

    private readonly List<byte[]> _objects = [];

    /// <summary>Adds an object and returns its number.</summary>
    public int Add(string body) => AddRaw(Latin1(body));

    /// <summary>Adds a stream object with the given extra dictionary entries.</summary>
    public int AddStream(byte[] data, string dictionaryEntries = "")
    {
        var head = Latin1($"<< /Length {data.Length} {dictionaryEntries} >>\nstream\n");
        return AddRaw([.. head, .. data, .. Latin1("\nendstream")]);
    }

    public int AddFlateStream(string content, string dictionaryEntries = "") =>
        AddStream(Compress(Latin1(content)), "/Filter /FlateDecode " + dictionaryEntries);

    /// <summary>Reserves an object number to fill in later (for forward references).</summary>
    public int Reserve() => AddRaw([]);

    public void Set(int number, string body) => _objects[number - 1] = Latin1(body);

    public byte[] Build(int root, string trailerEntries = "")
    {
        var output = new List<byte>(Latin1("%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n"));
        var offsets = new List<int>();
        for (var i = 0; i < _objects.Count; i++)
        {
            offsets.Add(output.Count);
            output.AddRange(Latin1($"{i + 1} 0 obj\n"));
            output.AddRange(_objects[i]);
            output.AddRange(Latin1("\nendobj\n"));
        }
        var xref = output.Count;
        var table = new StringBuilder($"xref\n0 {_objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
            table.Append($"{offset:D10} 00000 n \n");
        table.Append($"trailer\n<< /Size {_objects.Count + 1} /Root {root} 0 R {trailerEntries} >>\nstartxref\n{xref}\n%%EOF\n");
        output.AddRange(Latin1(table.ToString()));
        return output.ToArray();
    }

    /// <summary>
    /// Like <see cref="Build(int, string)"/>, but with a cross-reference stream (PDF 1.5), which can point at objects stored
    /// inside object streams: <paramref name="compressed"/> maps such an object's number to (object stream number, index).
    /// </summary>
    public byte[] BuildWithXrefStream(int root, IReadOnlyDictionary<int, (int Stream, int Index)> compressed)
    {
        var output = new List<byte>(Latin1("%PDF-1.5\n%\u00E2\u00E3\u00CF\u00D3\n"));
        var offsets = new List<int>();
        for (var i = 0; i < _objects.Count; i++)
        {
            offsets.Add(output.Count);
            output.AddRange(Latin1($"{i + 1} 0 obj\n"));
            output.AddRange(_objects[i]);
            output.AddRange(Latin1("\nendobj\n"));
        }
        var xrefNumber = Math.Max(_objects.Count, compressed.Keys.DefaultIfEmpty(0).Max()) + 1;
        var rows = new List<byte>();
        void Row(byte type, int field2, int field3) =>
            rows.AddRange([type, (byte)(field2 >> 24), (byte)(field2 >> 16), (byte)(field2 >> 8), (byte)field2, (byte)(field3 >> 8), (byte)field3]);
        var xref = output.Count;
        for (var number = 0; number <= xrefNumber; number++)
        {
            if (number == xrefNumber) Row(1, xref, 0);
            else if (number >= 1 && number <= _objects.Count) Row(1, offsets[number - 1], 0);
            else if (compressed.TryGetValue(number, out var location)) Row(2, location.Stream, location.Index);
            else Row(0, 0, number == 0 ? 65535 : 0);
        }
        output.AddRange(Latin1($"{xrefNumber} 0 obj\n<< /Type /XRef /Size {xrefNumber + 1} /W [1 4 2] /Root {root} 0 R /Length {rows.Count} >>\nstream\n"));
        output.AddRange(rows);
        output.AddRange(Latin1($"\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n"));
        return output.ToArray();
    }

    /// <summary>One page showing <paramref name="content"/> with font /F1 (Helvetica unless given).</summary>
    public static byte[] SinglePage(string content, bool compress = false, string? font = null, string trailerEntries = "")
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var contents = compress ? pdf.AddFlateStream(content) : pdf.AddStream(Latin1(content));
        var fontObject = pdf.Add(font ?? Helvetica);
        var page = pdf.Add($"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 612 792] /Contents {contents} 0 R " +
                           $"/Resources << /Font << /F1 {fontObject} 0 R >> >> >>");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>");
        return pdf.Build(catalog, trailerEntries);
    }

    /// <summary>One page per content string, each on US Letter with Helvetica as /F1.</summary>
    public static byte[] Pages(params string[] contents)
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var font = pdf.Add(Helvetica);
        var kids = contents.Select(content =>
        {
            var stream = pdf.AddStream(Latin1(content));
            return pdf.Add($"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 612 792] /Contents {stream} 0 R " +
                           $"/Resources << /Font << /F1 {font} 0 R >> >> >>");
        }).ToList();
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{string.Join(' ', kids.Select(k => $"{k} 0 R"))}] /Count {kids.Count} >>");
        return pdf.Build(catalog);
    }

    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private int AddRaw(byte[] body)
    {
        _objects.Add(body);
        return _objects.Count;
    }

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
            zlib.Write(data);
        return output.ToArray();
    }
}
