using System.IO.Compression;
using System.Text;

namespace RagLab.Testing;

/// <summary>
/// Decompression bombs, made in the test (never stored): a .docx whose document part and a PDF whose page content stream
/// inflate to <c>inflatedBytes</c> from about a thousandth of that. Both are valid files up to their size.
/// </summary>
public static class HostileFiles
{
    public const long OneGiB = 1L << 30;

    /// <summary>A .docx whose <c>word/document.xml</c> inflates to <paramref name="inflatedBytes"/> (one run of one paragraph).</summary>
    public static byte[] DocxBomb(long inflatedBytes)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
                """);
            Write(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
                """);
            var head = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>");
            var tail = Encoding.UTF8.GetBytes("</w:t></w:r></w:p></w:body></w:document>");
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Optimal);
            using var stream = entry.Open();
            stream.Write(head);
            WriteRepeated(stream, (byte)'a', inflatedBytes - head.Length - tail.Length);
            stream.Write(tail);
        }
        return output.ToArray();
    }

    /// <summary>A one-page PDF whose page content stream (FlateDecode) inflates to <paramref name="inflatedBytes"/>.</summary>
    public static byte[] PdfBomb(long inflatedBytes)
    {
        var text = Encoding.ASCII.GetBytes("BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n");
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(text);
            WriteRepeated(zlib, (byte)' ', inflatedBytes - text.Length);
        }
        var objects = new List<byte[]>
        {
            Ascii("<< /Type /Catalog /Pages 2 0 R >>"),
            Ascii("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Ascii("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
            Ascii($"<< /Length {compressed.Length} /Filter /FlateDecode >>\nstream\n").Concat(compressed.ToArray()).Concat(Ascii("\nendstream")).ToArray(),
            Ascii("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        };
        using var pdf = new MemoryStream();
        pdf.Write(Ascii("%PDF-1.4\n"));
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Position);
            pdf.Write(Ascii($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write(Ascii("\nendobj\n"));
        }
        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) table.Append($"{offset:D10} 00000 n \n");
        table.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        pdf.Write(Ascii(table.ToString()));
        return pdf.ToArray();
    }

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private static void WriteRepeated(Stream stream, byte value, long count)
    {
        var block = new byte[1 << 20];
        Array.Fill(block, value);
        for (var left = count; left > 0; left -= block.Length) stream.Write(block, 0, (int)Math.Min(block.Length, left));
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
