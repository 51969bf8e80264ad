using System.Security.Cryptography;
using System.Text;
using RagLab.Infrastructure.Qdrant;

namespace RagLab.Infrastructure.Tests.Qdrant;

public sealed class QdrantPointIdTests
{
    [Fact]
    public void Point_id_is_a_uuid_made_of_the_first_16_bytes_of_the_chunk_ids_sha256()
    {
        var id = QdrantPointId.ForChunk("chunk-1");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", id);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("chunk-1")).AsSpan(0, 16));
        Assert.Equal(expected, id.Replace("-", ""));
    }

    [Fact]
    public void Same_chunk_same_id_and_different_chunks_different_ids()
    {
        Assert.Equal(QdrantPointId.ForChunk("abc"), QdrantPointId.ForChunk("abc"));
        Assert.NotEqual(QdrantPointId.ForChunk("abc"), QdrantPointId.ForChunk("abd"));
    }
}
