using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>Decodes text files: UTF-8 (with or without BOM), UTF-16/UTF-32 with BOM, else Windows-1252 as a fallback.</summary>
internal static class SourceTextDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded text (BOM removed, nothing else changed) and a warning when the bytes were not valid UTF-8.</summary>
    public static (string Text, string? Warning) Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            return (Encoding.UTF8.GetString(bytes[3..]), null);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
            return (Encoding.UTF32.GetString(bytes[4..]), null);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            return (Encoding.Unicode.GetString(bytes[2..]), null);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return (Encoding.BigEndianUnicode.GetString(bytes[2..]), null);
        try
        {
            return (StrictUtf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            // Old files saved by Windows editors are usually cp1252; reading them that way beats replacement characters.
            return (WindowsLatin1.Instance.GetString(bytes),
                "The file is not valid UTF-8; it was read as Windows-1252. Save it as UTF-8 if characters look wrong.");
        }
    }

    /// <summary>Reads a whole stream into memory.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
