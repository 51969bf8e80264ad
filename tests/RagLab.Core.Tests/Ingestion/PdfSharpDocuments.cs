using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>
/// PDFs written by a real library (PdfSharp: embedded TrueType subsets, ToUnicode maps, compressed streams).
/// PdfSharp finds no fonts on Linux by itself, so a resolver serves DejaVu Sans from /usr/share/fonts.
/// </summary>
internal static class PdfSharpDocuments
{
    private const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private static readonly Lock InitLock = new();

    public static byte[] Create(params string[][] pages) => Create(userPassword: null, pages);

    /// <summary>Pages of 12 pt lines; a line starting with "# " is drawn as an 18 pt heading (without the marker).</summary>
    public static byte[] Create(string? userPassword, params string[][] pages)
    {
        EnsureFontResolver();
        using var document = new PdfDocument();
        document.Options.CompressContentStreams = true;
        if (userPassword is not null)
            document.SecuritySettings.UserPassword = userPassword;
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var body = new XFont("DejaVu Sans", 12, XFontStyleEx.Regular, options);
        var heading = new XFont("DejaVu Sans", 18, XFontStyleEx.Regular, options);
        foreach (var lines in pages)
        {
            var page = document.AddPage();
            using var graphics = XGraphics.FromPdfPage(page);
            var y = 72.0;
            foreach (var line in lines)
            {
                if (line.StartsWith("# ", StringComparison.Ordinal))
                {
                    y += 10;
                    graphics.DrawString(line[2..], heading, XBrushes.Black, 72, y);
                    y += 24;
                    continue;
                }
                if (line.Length > 0)
                    graphics.DrawString(line, body, XBrushes.Black, 72, y);
                y += line.Length == 0 ? 10 : 15; // an empty line widens the gap into a paragraph break
            }
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void EnsureFontResolver()
    {
        lock (InitLock)
        {
            if (GlobalFontSettings.FontResolver is not null)
                return;
            // PdfSharp 6.5+ refuses to run until a license is chosen; the AGPL one is fine for test fixtures.
            PdfSharp.PdfSharpLicense.SetAgplLicense();
            GlobalFontSettings.FontResolver = new DejaVuFontResolver();
        }
    }

    private sealed class DejaVuFontResolver : IFontResolver
    {
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new("DejaVuSans");

        public byte[] GetFont(string faceName) =>
            File.Exists(FontPath)
                ? File.ReadAllBytes(FontPath)
                : throw new FileNotFoundException($"These tests need DejaVu Sans at {FontPath} (Debian package fonts-dejavu-core).");
    }
}
