using System.Security.Cryptography;
using System.Text;

namespace RagLab.Core.Kernel;

/// <summary>Stable ids: a document is identified by its collection and name; a chunk by its content.</summary>
public static class DocumentIds
{
    public static string ForDocument(string collection, string name) => Hash($"{collection}\n{name}", 16);

    public static string ForChunk(string documentId, int position, string text) => Hash($"{documentId}\n{position}\n{text}", 16);

    /// <summary>Lower-case hex SHA-256 of raw bytes: the content address of an upload.</summary>
    public static string ContentHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Hash(string value, int bytes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, bytes));
}
