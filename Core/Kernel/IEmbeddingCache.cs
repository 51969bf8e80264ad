using System.Security.Cryptography;
using System.Text;

namespace RagLab.Core.Kernel;

/// <summary>
/// Embeddings already computed, keyed by model and text. Embedding the same chunk or question twice is the most
/// common waste in a RAG lab (re-ingesting, eval reruns); this removes it.
/// </summary>
public interface IEmbeddingCache
{
    /// <returns>The vector, or null when not cached (or the cache is unavailable).</returns>
    Task<float[]?> GetAsync(string model, string text, CancellationToken cancellationToken);

    Task SetAsync(string model, string text, float[] vector, CancellationToken cancellationToken);
}

/// <summary>Key material shared by the embedding caches.</summary>
public static class EmbeddingCacheKey
{
    /// <summary>Lowercase hex SHA-256 of the UTF-8 text: fixed-size, so long chunks make short keys.</summary>
    public static string HashText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
