using System.Text;

namespace RagLab.Core.Ingestion;

/// <summary>
/// One file of a bulk upload. The service reads <see cref="Content"/> before it asks for the next upload, so a producer
/// may dispose the stream once the enumeration moves on.
/// </summary>
/// <param name="Name">The file name; its extension picks the parser (e.g. "handbook.md").</param>
public sealed record DocumentUpload(string Name, Stream Content)
{
    /// <summary>An upload of UTF-8 text held in memory.</summary>
    public static DocumentUpload FromText(string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new(name, new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true));
    }
}
