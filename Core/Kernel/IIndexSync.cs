namespace RagLab.Core.Kernel;

/// <summary>
/// The indexes retrievers read can lag the document store when another process (a Worker, the CLI) wrote it. Callers
/// that key anything on "what the index holds" (the answer cache) catch the indexes up first and use the generation
/// returned, so an answer is never cached under a generation its retrieval did not see.
/// </summary>
public interface IIndexSync
{
    /// <summary>Brings <paramref name="collection"/>'s indexes up to the store, then returns the generation they reflect.</summary>
    Task<long> CatchUpAsync(string collection, CancellationToken cancellationToken);
}

/// <summary>For indexes that are the store's own (Qdrant, or one process writing both): the store's generation is the index's.</summary>
public sealed class StoreGenerationIndexSync(IDocumentStore documents) : IIndexSync
{
    public Task<long> CatchUpAsync(string collection, CancellationToken cancellationToken) =>
        documents.GetGenerationAsync(collection, cancellationToken);
}
