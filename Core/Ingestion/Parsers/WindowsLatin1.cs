using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>Windows-1252 (PDF's WinAnsiEncoding), with its five undefined bytes read as Latin-1.</summary>
internal static class WindowsLatin1
{
    /// <summary>cp1252 from the in-box code-pages provider, without registering it process-wide.</summary>
    public static Encoding Instance { get; } =
        CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback)
        ?? Encoding.Latin1;

    private static readonly char[] Table = BuildTable();

    /// <summary>The character for one byte.</summary>
    public static char Map(byte value) => Table[value];

    private static char[] BuildTable()
    {
        var table = new char[256];
        for (var i = 0; i < 256; i++)
        {
            var decoded = Instance.GetString([(byte)i]);
            table[i] = decoded.Length == 1 && decoded[0] != '\uFFFD' ? decoded[0] : (char)i;
        }
        return table;
    }
}
