using System.Text;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>Windows-1252, the usual encoding of old text files saved by Windows editors; its five undefined bytes read as U+FFFD.</summary>
internal static class WindowsLatin1
{
    /// <summary>cp1252 from the in-box code-pages provider, without registering it process-wide.</summary>
    public static Encoding Instance { get; } =
        CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback)
        ?? Encoding.Latin1;
}
