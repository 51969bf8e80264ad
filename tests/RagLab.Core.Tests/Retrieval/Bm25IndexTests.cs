using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

public class Bm25IndexTests
{
    private const double Tolerance = 1e-9;

    // Corpus: d1 "cat cat dog" (3 terms), d2 "cat fish" (2 terms), d3 "bird" (1 term): N = 3, avgdl = 6/3 = 2.
    private static async Task<Bm25Index> TinyIndexAsync()
    {
        var index = new Bm25Index();
        await index.AddAsync([TestChunks.Make("d1", "cat cat dog"), TestChunks.Make("d2", "cat fish"), TestChunks.Make("d3", "bird")], CancellationToken.None);
        return index;
    }

    [Fact]
    public async Task Scores_match_bm25_computed_by_hand()
    {
        var index = await TinyIndexAsync();

        var results = await index.SearchAsync("c", "cat", 10, CancellationToken.None);

        // "cat" is in 2 of 3 chunks: idf = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln(1.6). k1 = 0.9, b = 0.4, k1 + 1 = 1.9.
        var idf = Math.Log(1.6);
        var d1 = idf * (2 * 1.9) / (2 + 0.9 * (0.6 + 0.4 * 3 / 2.0)); // tf 2, dl 3
        var d2 = idf * (1 * 1.9) / (1 + 0.9 * (0.6 + 0.4 * 2 / 2.0)); // tf 1, dl 2
        Assert.Equal(["d1", "d2"], results.Select(r => r.Chunk.Id));
        Assert.Equal(d1, results[0].Score, Tolerance);
        Assert.Equal(d2, results[1].Score, Tolerance);
    }

    [Fact]
    public async Task Sums_terms_and_counts_repeated_query_terms()
    {
        var index = await TinyIndexAsync();

        var results = await index.SearchAsync("c", "dogs and fish and fish", 10, CancellationToken.None);

        // "dog" and "fish" are each in 1 of 3 chunks: idf = ln(1 + 2.5 / 1.5). "fish" appears twice in the query.
        var idf = Math.Log(1 + 2.5 / 1.5);
        var d1 = idf * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 3 / 2.0));
        var d2 = 2 * idf * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 2 / 2.0));
        Assert.Equal(["d2", "d1"], results.Select(r => r.Chunk.Id));
        Assert.Equal(d2, results[0].Score, Tolerance);
        Assert.Equal(d1, results[1].Score, Tolerance);
    }

    [Fact]
    public async Task Deleted_documents_leave_no_trace_in_the_statistics()
    {
        var index = await TinyIndexAsync();

        await index.DeleteDocumentAsync("c", "doc-d2", CancellationToken.None);
        var results = await index.SearchAsync("c", "cat", 10, CancellationToken.None);

        // Now N = 2, avgdl = (3 + 1) / 2 = 2, and "cat" is in 1 chunk: idf = ln(1 + 1.5 / 1.5) = ln 2.
        var expected = Math.Log(2) * (2 * 1.9) / (2 + 0.9 * (0.6 + 0.4 * 3 / 2.0));
        var hit = Assert.Single(results);
        Assert.Equal("d1", hit.Chunk.Id);
        Assert.Equal(expected, hit.Score, Tolerance);
        Assert.Equal(2, index.Count("c"));
        Assert.Empty(await index.SearchAsync("c", "fish", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Adding_a_chunk_id_again_replaces_it()
    {
        var index = await TinyIndexAsync();

        await index.AddAsync([TestChunks.Make("d1", "bird song")], CancellationToken.None);

        Assert.Equal(3, index.Count("c"));
        Assert.Equal(["d2"], (await index.SearchAsync("c", "cat", 10, CancellationToken.None)).Select(r => r.Chunk.Id));
        var birds = await index.SearchAsync("c", "bird", 10, CancellationToken.None);
        // "bird" is now in 2 of 3 chunks, N = 3, avgdl = (2 + 2 + 1) / 3.
        var avgdl = 5 / 3.0;
        var idf = Math.Log(1.6);
        Assert.Equal(["d3", "d1"], birds.Select(r => r.Chunk.Id));
        Assert.Equal(idf * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 1 / avgdl)), birds[0].Score, Tolerance);
        Assert.Equal(idf * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 2 / avgdl)), birds[1].Score, Tolerance);
    }

    [Fact]
    public async Task Equal_scores_are_ordered_by_chunk_id_and_top_k_is_respected()
    {
        var index = new Bm25Index();
        await index.AddAsync([TestChunks.Make("c", "apple"), TestChunks.Make("a", "apple"), TestChunks.Make("b", "apple"), TestChunks.Make("z", "pear")], CancellationToken.None);

        var all = await index.SearchAsync("c", "apple", 10, CancellationToken.None);
        var top2 = await index.SearchAsync("c", "apple", 2, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], all.Select(r => r.Chunk.Id));
        Assert.Equal(["a", "b"], top2.Select(r => r.Chunk.Id));
    }

    [Fact]
    public async Task Top_k_keeps_the_best_of_many_in_order()
    {
        var index = new Bm25Index();
        // Chunk i holds "term" i times among filler words, so more occurrences score higher.
        var chunks = Enumerable.Range(1, 40).Select(i => TestChunks.Make($"k{i:D2}", string.Join(' ', Enumerable.Repeat("term", i).Concat(Enumerable.Repeat("filler", 41 - i))))).ToList();
        await index.AddAsync(chunks, CancellationToken.None);

        var top = await index.SearchAsync("c", "term", 5, CancellationToken.None);

        Assert.Equal(["k40", "k39", "k38", "k37", "k36"], top.Select(r => r.Chunk.Id));
        Assert.True(top.Zip(top.Skip(1)).All(p => p.First.Score > p.Second.Score));
    }

    [Fact]
    public async Task Collections_are_separate_and_stop_word_queries_find_nothing()
    {
        var index = await TinyIndexAsync();
        await index.AddAsync([TestChunks.Make("o1", "cat", collection: "other")], CancellationToken.None);

        Assert.Equal(["o1"], (await index.SearchAsync("other", "cat", 10, CancellationToken.None)).Select(r => r.Chunk.Id));
        Assert.Empty(await index.SearchAsync("missing", "cat", 10, CancellationToken.None));
        Assert.Empty(await index.SearchAsync("c", "the and of", 10, CancellationToken.None));
        Assert.Empty(await index.SearchAsync("c", "zebra", 10, CancellationToken.None));
    }

    [Fact]
    public async Task After_many_deletes_results_equal_a_fresh_index_of_the_survivors()
    {
        var words = new[] { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta" };
        var random = new Random(7);
        var chunks = Enumerable.Range(0, 3000)
            .Select(i => TestChunks.Make($"k{i:D4}", string.Join(' ', Enumerable.Range(0, 1 + random.Next(12)).Select(_ => words[random.Next(words.Length)])), documentId: $"doc{i / 2}"))
            .ToList();
        var index = new Bm25Index();
        await index.AddAsync(chunks, CancellationToken.None);

        // Delete 2 of every 3 documents: enough dead entries to trigger compaction.
        var deleted = Enumerable.Range(0, 1500).Where(d => d % 3 != 0).Select(d => $"doc{d}").ToHashSet();
        foreach (var documentId in deleted)
            await index.DeleteDocumentAsync("c", documentId, CancellationToken.None);
        var fresh = new Bm25Index();
        await fresh.AddAsync(chunks.Where(c => !deleted.Contains(c.DocumentId)).ToList(), CancellationToken.None);

        Assert.Equal(fresh.Count("c"), index.Count("c"));
        foreach (var query in new[] { "alpha", "beta gamma", "theta theta zeta", "delta epsilon alpha" })
        {
            var expected = await fresh.SearchAsync("c", query, 20, CancellationToken.None);
            var actual = await index.SearchAsync("c", query, 20, CancellationToken.None);
            Assert.Equal(expected.Select(r => r.Chunk.Id), actual.Select(r => r.Chunk.Id));
            Assert.Equal(expected.Select(r => r.Score), actual.Select(r => r.Score));
        }
    }

    [Fact]
    public async Task Concurrent_searches_and_writes_do_not_corrupt_the_index()
    {
        var index = await TinyIndexAsync();
        var writers = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await index.AddAsync([TestChunks.Make($"w{i}", "cat wolf", documentId: $"w{i}")], CancellationToken.None);
                if (i % 2 == 0) await index.DeleteDocumentAsync("c", $"w{i}", CancellationToken.None);
            }
        });
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
                Assert.NotEmpty(await index.SearchAsync("c", "cat", 5, CancellationToken.None));
        }));
        await Task.WhenAll(readers.Append(writers));

        Assert.Equal(103, index.Count("c"));
        Assert.Equal(100, (await index.SearchAsync("c", "wolf", 1000, CancellationToken.None)).Count);
    }

    [Fact]
    public void Rejects_invalid_bm25_parameters()
    {
        Assert.Throws<ValidationException>(() => new Bm25Index(new RagLab.Core.Retrieval.Analysis.EnglishAnalyzer(), new Bm25Options { B = 1.5 }));
        Assert.Throws<ValidationException>(() => new Bm25Index(new RagLab.Core.Retrieval.Analysis.EnglishAnalyzer(), new Bm25Options { K1 = -1 }));
    }
}
