using System.Security.Cryptography;
using System.Text;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// Qdrant point ids must be unsigned integers or UUIDs, while chunk ids are hex strings. The point id of a chunk is the
/// first 16 bytes of SHA-256(UTF-8 chunk id) written as a UUID (8-4-4-4-12 lower-case hex, no version bits set):
/// stable across runs and machines, so re-indexing a chunk overwrites its point.
/// </summary>
public static class QdrantPointId
{
    public static string ForChunk(string chunkId)
    {
        ArgumentException.ThrowIfNullOrEmpty(chunkId);
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(chunkId)).AsSpan(0, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
