using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Infrastructure.Qdrant;
using RagLab.Infrastructure.Storage;
using Xunit.Abstractions;
using static RagLab.Infrastructure.Tests.Qdrant.QdrantTestContext;

namespace RagLab.Infrastructure.Tests.Qdrant;

/// <summary>
/// "bm25" is one ranker: the Qdrant path (sparse vectors, server-side idf) must rank like the embedded <see cref="Bm25Index"/>
/// with the same analyzer, k1 and b. The corpus is written to Qdrant in three batches, as incremental ingestion does, so early
/// points keep the average length of their write time; the embedded index always uses the current average.
/// </summary>
public sealed class QdrantBm25AgreementTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Collection = "agree";
    private const int TopK = 10;
    private static readonly CancellationToken None = CancellationToken.None;

    // Words the English analyzer keeps as distinct stems; drawn with a skew so some are common (low idf) and some rare.
    private static readonly string[] Vocabulary =
    [
        "refund", "invoice", "customer", "shipping", "warranty", "battery", "screen", "keyboard", "laptop", "charger",
        "delivery", "parcel", "courier", "address", "payment", "card", "bank", "transfer", "discount", "coupon",
        "account", "password", "login", "email", "privacy", "cookie", "server", "database", "backup", "restore",
        "network", "router", "cable", "printer", "paper", "toner", "scanner", "camera", "lens", "tripod",
        "garden", "flower", "tomato", "kitchen", "oven", "recipe", "bread", "butter", "cheese", "coffee",
    ];

    private QdrantTestContext _context = null!;

    public async Task InitializeAsync() => _context = await StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Qdrant_bm25_ranks_like_the_embedded_index_on_a_small_corpus()
    {
        var options = new Bm25Options();
        var random = new Random(7);
        var chunks = Enumerable.Range(0, 48)
            .Select(i => MakeChunk(Collection, $"doc-{i:00}", 0, RandomText(random, length: random.Next(3, 61))))
            .ToList();
        var queries = Enumerable.Range(0, 30)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]).Distinct()))
            .ToList();

        var embedded = new Bm25Index(new SqlDocumentStore(new SqliteDatabase(Path.Combine(Path.GetTempPath(), $"raglab-agree-{Guid.NewGuid():N}.db"))),
            EnglishAnalyzer.Instance, options);
        await embedded.AddAsync(chunks, None);
        var qdrant = _context.CreateIndex(encoder: new SparseBm25Encoder(EnglishAnalyzer.Instance, options.K1, options.B));
        foreach (var batch in chunks.Chunk(16)) await qdrant.AddAsync(batch, None);

        var overlaps = new List<double>();
        var identical = 0;
        foreach (var query in queries)
        {
            var expected = embedded.Search(Collection, query, TopK, None).Select(m => m.ChunkId).ToList();
            var actual = (await qdrant.SearchAsync(Collection, query, TopK, None)).Select(c => c.Chunk.Id).ToList();
            Assert.NotEmpty(expected);
            overlaps.Add((double)expected.Intersect(actual).Count() / Math.Max(expected.Count, actual.Count));
            if (expected.SequenceEqual(actual)) identical++;
        }

        var meanOverlap = overlaps.Average();
        var identicalShare = (double)identical / queries.Count;
        output.WriteLine($"Qdrant vs embedded BM25 over {chunks.Count} chunks written in 3 batches, {queries.Count} queries: " +
            $"mean overlap@{TopK} {meanOverlap:F3}, identical top-{TopK} (same order) {identicalShare:P0}, worst overlap {overlaps.Min():F2}");
        Assert.True(meanOverlap >= 0.9, $"mean overlap@{TopK} is {meanOverlap:F3}, below 0.9");
        Assert.True(identicalShare >= 0.5, $"only {identicalShare:P0} of the queries have the same top-{TopK}");
    }

    private static string RandomText(Random random, int length) =>
        string.Join(' ', Enumerable.Range(0, length).Select(_ => Vocabulary[(int)(Vocabulary.Length * Math.Pow(random.NextDouble(), 2))]));
}
