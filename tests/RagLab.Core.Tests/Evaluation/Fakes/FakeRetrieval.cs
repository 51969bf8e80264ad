using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation.Fakes;

/// <summary>A retriever returning scripted chunks per question.</summary>
public sealed class FakeRetriever(string name, Func<string, IReadOnlyList<Chunk>> results) : IRetriever
{
    public string Name => name;

    public bool RequiresEmbeddings => false;

    public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RetrievalHit>>(results(query.Text).Take(query.TopK).Select((c, i) => new RetrievalHit(i + 1, 1.0 / (i + 1), c)).ToArray());
}

public sealed class FakeRetrieverCatalog(params IRetriever[] retrievers) : IRetrieverCatalog
{
    public IReadOnlyList<string> Names => retrievers.Select(r => r.Name).ToArray();

    public Task<ResolvedRetriever> ResolveAsync(string? name, string collection, CancellationToken cancellationToken) =>
        Task.FromResult(new ResolvedRetriever(name is null ? retrievers[0] : retrievers.FirstOrDefault(r => r.Name == name) ?? throw new ValidationException($"Unknown retriever '{name}'.")));
}
