using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Tests.Evaluation.Fakes;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// Retrieval with a reader's view: a chunk of a document the reader may not read is never returned, and what is returned is exactly
/// the top K of the readable chunks. Corpus statistics are the whole collection's (as a filtered Lucene query keeps them), so a
/// scoped search must equal an unbounded search of everything with the unreadable chunks taken out afterwards: same ids, same
/// scores, same order.
/// </summary>
public sealed class ReaderScopeRetrievalTests : IDisposable
{
    private const string Collection = "c";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-scope-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static readonly ReaderScope[] Scopes =
    [
        ReaderScope.Everything,
        ReaderScope.OfGroups(["hr"]),
        ReaderScope.OfGroups(["finance"]),
        ReaderScope.OfGroups(["hr", "finance"]),
        ReaderScope.OfGroups(["legal"]), // no document names it: only public ones
        ReaderScope.OfGroups([]),
    ];

    /// <summary>Document d: public, hr, finance, or hr and finance, in turn.</summary>
    private static IReadOnlyList<string>? GroupsOf(int document) => (document % 4) switch
    {
        0 => null,
        1 => ["hr"],
        2 => ["finance"],
        _ => ["finance", "hr"],
    };

    private static List<Chunk> Corpus(int count, int seed, string idPrefix)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var text = string.Join(' ', Enumerable.Range(0, 1 + random.Next(50)).Select(_ => Word(random)));
            return TestChunks.Make($"{idPrefix}{random.Next(1_000_000):D6}-{i}", text, Collection, documentId: $"doc{i / 4}") with { Groups = GroupsOf(i / 4) };
        }).ToList();
    }

    private static string Word(Random random) => $"w{(int)Math.Pow(800, random.NextDouble()) - 1}x";

    private static List<string> Queries(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 1 + random.Next(5)).Select(_ => Word(random)))).ToList();
    }

    private static void AssertBm25FiltersBeforeRanking(Bm25Index index, IReadOnlyDictionary<string, Chunk> chunks, IEnumerable<string> queries)
    {
        var all = index.Count(Collection);
        foreach (var query in queries)
        {
            var everything = index.Search(Collection, query, all, CancellationToken.None);
            foreach (var scope in Scopes)
            foreach (var topK in new[] { 1, 10, 100 })
            {
                var expected = everything.Where(m => scope.CanRead(chunks[m.ChunkId].Groups)).Take(topK).ToList();
                var actual = index.Search(Collection, query, topK, scope, CancellationToken.None);
                Assert.True(expected.SequenceEqual(actual),
                    $"query '{query}', view [{scope.Key}], top {topK}: expected [{string.Join(", ", expected.Take(3))}…], got [{string.Join(", ", actual.Take(3))}…]");
            }
        }
    }

    [Fact]
    public async Task Bm25_with_a_view_ranks_exactly_the_readable_chunks_with_the_collection_statistics()
    {
        var corpus = Corpus(3000, seed: 31, idPrefix: "k");
        using var index = new Bm25Index(new FakeDocumentStore(), EnglishAnalyzer.Instance, new Bm25Options());
        foreach (var batch in corpus.Chunk(700)) await index.AddAsync(batch, CancellationToken.None);
        // Dead slots and a compaction on the way: deleted documents must not come back, renumbered slots keep their readers.
        foreach (var d in Enumerable.Range(0, 750).Where(d => d % 3 == 0)) await index.DeleteDocumentAsync(Collection, $"doc{d}", CancellationToken.None);
        var live = corpus.Where(c => int.Parse(c.DocumentId[3..]) % 3 != 0).ToDictionary(c => c.Id);

        AssertBm25FiltersBeforeRanking(index, live, Queries(120, seed: 32));
    }

    [Fact]
    public async Task Bm25_returns_nothing_to_a_reader_who_may_read_nothing_that_matches()
    {
        using var index = new Bm25Index(new FakeDocumentStore(), EnglishAnalyzer.Instance, new Bm25Options());
        await index.AddAsync([
            TestChunks.Make("salary", "salary bands for every grade", Collection) with { Groups = ["hr"] },
            TestChunks.Make("lunch", "the canteen serves lunch", Collection),
        ], CancellationToken.None);

        Assert.Empty(index.Search(Collection, "salary bands", 10, ReaderScope.OfGroups(["finance"]), CancellationToken.None));
        Assert.Equal(["salary"], index.Search(Collection, "salary bands", 10, ReaderScope.OfGroups(["hr"]), CancellationToken.None).Select(m => m.ChunkId));
        Assert.Equal(["lunch"], index.Search(Collection, "salary lunch", 10, ReaderScope.OfGroups([]), CancellationToken.None).Select(m => m.ChunkId));
    }

    [Fact]
    public async Task A_restored_bm25_snapshot_keeps_who_may_read_each_chunk()
    {
        var store = new FakeDocumentStore();
        var corpus = Corpus(1200, seed: 41, idPrefix: "s");
        store.PutChunks(corpus);
        var chunks = corpus.ToDictionary(c => c.Id);
        var generations = new Dictionary<string, long> { [Collection] = 3 };
        var queries = Queries(60, seed: 42);
        using (var original = new Bm25Index(store, EnglishAnalyzer.Instance, new Bm25Options(), _directory))
        {
            await original.AddAsync(corpus, CancellationToken.None);
            original.SaveSnapshots(generations);
        }

        using var reopened = new Bm25Index(store, EnglishAnalyzer.Instance, new Bm25Options(), _directory);
        Assert.Equal([Collection], reopened.Restore(generations));

        // Nothing was read from the store to restore it: the readers come from the snapshot itself.
        AssertBm25FiltersBeforeRanking(reopened, chunks, queries);
        var hits = await reopened.SearchAsync(Collection, queries[0], 20, ReaderScope.OfGroups(["hr"]), CancellationToken.None);
        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.True(ReaderScope.OfGroups(["hr"]).CanRead(h.Chunk.Groups), $"{h.Chunk.Id} is not readable by hr"));
    }

    [Fact]
    public async Task Dense_with_a_view_gives_exactly_the_readable_rows_of_the_brute_force_ranking()
    {
        var random = new Random(51);
        var corpus = Corpus(1500, seed: 52, idPrefix: "v");
        using var index = new ExactVectorIndex();
        await index.UpsertAsync(corpus.Select(c => new EmbeddedChunk(c, Vector(random))).ToList(), CancellationToken.None);
        // Deletes move the last rows into the holes: their readers must move with them.
        foreach (var d in Enumerable.Range(0, 375).Where(d => d % 5 == 0)) await index.DeleteDocumentAsync(Collection, $"doc{d}", CancellationToken.None);

        await AssertDenseFiltersBeforeRankingAsync(index, random);
    }

    [Fact]
    public async Task A_restored_vector_snapshot_keeps_who_may_read_each_row()
    {
        var random = new Random(61);
        var store = new FakeDocumentStore();
        var corpus = Corpus(800, seed: 62, idPrefix: "r");
        store.PutChunks(corpus);
        var generations = new Dictionary<string, long> { [Collection] = 9 };
        using (var original = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 128 }, store))
        {
            await original.UpsertAsync(corpus.Select(c => new EmbeddedChunk(c, Vector(random))).ToList(), CancellationToken.None);
            original.SaveSnapshots(generations);
        }

        // With a store the restored rows are whole at once: no chunk is bound, so the readers can only come from the snapshot.
        using var reopened = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 128 }, store);
        Assert.Equal([Collection], reopened.Restore(generations));

        await AssertDenseFiltersBeforeRankingAsync(reopened, random);
    }

    private static async Task AssertDenseFiltersBeforeRankingAsync(ExactVectorIndex index, Random random)
    {
        var all = index.Count(Collection);
        for (var q = 0; q < 8; q++)
        {
            var query = Vector(random);
            var everything = await index.SearchAsync(Collection, query, all, CancellationToken.None);
            Assert.Equal(all, everything.Count);
            foreach (var scope in Scopes)
            foreach (var topK in new[] { 1, 10, 60 })
            {
                var expected = everything.Where(r => scope.CanRead(r.Chunk.Groups)).Take(topK).Select(r => (r.Chunk.Id, r.Score)).ToList();
                var actual = await index.SearchAsync(Collection, query, topK, scope, CancellationToken.None);
                Assert.Equal(expected, actual.Select(r => (r.Chunk.Id, r.Score)));
            }
        }
    }

    private static float[] Vector(Random random) => Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    [Fact]
    public async Task Hybrid_with_a_view_fuses_the_readable_rankings_as_if_the_rest_did_not_exist()
    {
        // BM25 for "kitten" finds X (hr) and Z (finance); dense ranks Y (public) first, then X, Z, W.
        (string Id, string Text, IReadOnlyList<string>? Groups)[] corpus =
            [("X", "kitten kitten dog", ["hr"]), ("Y", "cat", null), ("Z", "kitten dog", ["finance"]), ("W", "bird", ["finance"])];
        var finance = ReaderScope.OfGroups(["finance"]);

        var scoped = await HybridAsync(corpus);
        var hits = await scoped.RetrieveAsync(new RetrievalQuery("kitten", Collection, 3) { Scope = finance }, CancellationToken.None);
        // One query term: the collection's IDF scales every BM25 score alike, so the readable ranks are those of a corpus of
        // the readable documents alone, and so is their fusion.
        var readableOnly = await HybridAsync([.. corpus.Where(c => finance.CanRead(c.Groups))]);
        var expected = await readableOnly.RetrieveAsync(new RetrievalQuery("kitten", Collection, 3), CancellationToken.None);

        Assert.Equal(["Z", "Y", "W"], hits.Select(h => h.Chunk.Id));
        Assert.Equal(expected.Select(h => (h.Rank, h.Chunk.Id, h.Score)), hits.Select(h => (h.Rank, h.Chunk.Id, h.Score)));
    }

    private static async Task<HybridRetriever> HybridAsync(IEnumerable<(string Id, string Text, IReadOnlyList<string>? Groups)> corpus)
    {
        var lexical = new StoredBm25Index();
        var vectors = new ExactVectorIndex();
        var chunks = corpus.Select(c => TestChunks.Make(c.Id, c.Text, Collection) with { Groups = c.Groups }).ToList();
        await lexical.AddAsync(chunks, CancellationToken.None);
        await vectors.UpsertAsync(chunks.Select(c => new EmbeddedChunk(c, ConceptEmbeddingGenerator.Embed(c.Text))).ToList(), CancellationToken.None);
        return new HybridRetriever(new Bm25Retriever(lexical), new DenseRetriever(vectors, new FakeModelProvider(new ConceptEmbeddingGenerator())));
    }
}
