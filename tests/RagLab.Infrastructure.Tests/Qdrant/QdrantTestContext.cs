using Microsoft.Extensions.Logging;
using RagLab.Infrastructure.Qdrant;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Qdrant;

/// <summary>A fake Qdrant plus a <see cref="QdrantChunkIndex"/> wired to it, and helpers to make chunks.</summary>
internal sealed class QdrantTestContext : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private QdrantTestContext(FakeQdrantServer server) => Server = server;

    public FakeQdrantServer Server { get; }

    public static async Task<QdrantTestContext> StartAsync(string? apiKey = null, string version = FakeQdrantServer.DefaultVersion) =>
        new(await FakeQdrantServer.StartAsync(apiKey, version));

    /// <summary>A new index (with its own collection cache) over the fake server.</summary>
    public QdrantChunkIndex CreateIndex(QdrantOptions? options = null, SparseBm25Encoder? encoder = null, ILogger<QdrantChunkIndex>? logger = null)
    {
        options ??= QdrantOptions.FromConnectionString(Server.ConnectionString);
        var http = new HttpClient();
        _clients.Add(http);
        return new QdrantChunkIndex(new QdrantRestClient(http, options), encoder ?? new SparseBm25Encoder(new WordAnalyzer()), options, logger);
    }

    public static Chunk MakeChunk(string collection, string documentId, int position, string text, string heading = "Intro") =>
        new(DocumentIds.ForChunk(documentId, position, text), documentId, $"{documentId}.md", collection, position, heading, text, position * 100, position * 100 + text.Length);

    public static EmbeddedChunk Embed(Chunk chunk, ConceptEmbeddingGenerator generator) => new(chunk, generator.Embed(chunk.Text));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await Server.DisposeAsync();
    }
}
