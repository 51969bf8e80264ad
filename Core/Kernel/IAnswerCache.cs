
namespace RagLab.Core.Kernel;

/// <summary>
/// Identifies a cacheable answer. <see cref="Generation"/> is the collection's index generation, which every
/// ingest or delete bumps, so a changed document can never be answered from a stale entry. <see cref="Reader"/> is the
/// view the answer was built from (<see cref="ReaderScopeKeys.CacheKey"/>), so an answer is only ever served to a caller
/// with the same view: one built from a document a caller cannot read is never cached for them.
/// </summary>
public sealed record AnswerCacheKey(string NormalizedQuestion, string Mode, string Model, string Retriever, int TopK, string Collection, long Generation,
    string Reader = "*")
{
    /// <summary>A compact string form, safe as a Redis key suffix.</summary>
    public string ToKeyString() =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{NormalizedQuestion}\u001f{Mode}\u001f{Model}\u001f{Retriever}\u001f{TopK}\u001f{Collection}\u001f{Generation}\u001f{Reader}")));
}

/// <summary>Answers already computed. Embedded: <c>MemoryAnswerCache</c>; under Aspire: Redis.</summary>
public interface IAnswerCache
{
    Task<AnswerResult?> GetAsync(AnswerCacheKey key, CancellationToken cancellationToken);

    Task SetAsync(AnswerCacheKey key, AnswerResult answer, CancellationToken cancellationToken);

    /// <summary>Drops every entry of a collection (entries of older generations are unreachable anyway; this frees them).</summary>
    Task InvalidateCollectionAsync(string collection, CancellationToken cancellationToken);
}
