using System.Text;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Decodes text files: UTF-8 (with or without BOM), UTF-16/UTF-32 with BOM, else Windows-1252 as a fallback.
/// Refuses bytes that are not text at all (an image or archive renamed to .txt), rather than index them as garbage.
/// </summary>
internal static class SourceTextDecoder
{
    public const string BinaryMessage =
        "The file looks binary, not text: it contains NUL bytes or control characters. Upload a text file saved as UTF-8, " +
        "or upload the original document (.pdf, .docx, …) under its own extension.";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded text (BOM removed, nothing else changed) and a warning when the bytes were not valid UTF-8.</summary>
    /// <exception cref="DocumentParseException">The bytes are binary data, not text.</exception>
    public static (string Text, string? Warning) Decode(ReadOnlySpan<byte> bytes)
    {
        var (text, warning) = DecodeAny(bytes);
        if (LooksBinary(text))
            throw new DocumentParseException(BinaryMessage);
        return (text, warning);
    }

    /// <summary>
    /// True when the text has a NUL, or more than 1% of its characters are control characters other than the whitespace
    /// ones (tab, line breaks, form feed), DOS end-of-file (SUB) and ESC (colour codes in logs), or undecodable bytes.
    /// </summary>
    internal static bool LooksBinary(ReadOnlySpan<char> text)
    {
        var suspicious = 0;
        foreach (var c in text)
        {
            if (c == '\0')
                return true;
            if ((char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f' or '\v' or '\u001A' or '\u001B')) || c == '\uFFFD')
                suspicious++;
        }
        return suspicious * 100 > text.Length;
    }

    private static (string Text, string? Warning) DecodeAny(ReadOnlySpan<byte> bytes)
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
