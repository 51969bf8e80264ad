using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Tests.Evaluation.Fakes;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>MaxScore must return exactly what the term-at-a-time scorer returned: same ids, order and scores, query by query.</summary>
public class Bm25ExactnessTests
{
    // Skewed word frequencies (a few very common words, a long tail), lengths 1–80, ids not in insertion order.
    private static List<Chunk> SyntheticCorpus(int count, int vocabulary, int seed, string idPrefix = "k")
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var words = Enumerable.Range(0, 1 + random.Next(80)).Select(_ => Word(random, vocabulary));
            var text = string.Join(' ', words);
            return TestChunks.Make($"{idPrefix}{random.Next(1_000_000):D6}-{i}", text, documentId: $"doc{i / 3}");
        }).ToList();
    }

    private static string Word(Random random, int vocabulary) => $"w{(int)Math.Pow(vocabulary, random.NextDouble()) - 1}x";

    private static List<string> Queries(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 1 + random.Next(7)).Select(_ => Word(random, vocabulary)))).ToList();
    }

    private static void AssertSameAsReference(Bm25Index index, ReferenceBm25 reference, IEnumerable<string> queries, int topK)
    {
        foreach (var query in queries)
        {
            var expected = reference.Search(query, topK);
            var actual = index.Search("c", query, topK, CancellationToken.None).Select(m => (m.ChunkId, m.Score)).ToList();
            Assert.True(expected.SequenceEqual(actual), $"query '{query}', top {topK}: expected [{string.Join(", ", expected.Take(5))}…], got [{string.Join(", ", actual.Take(5))}…]");
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10)]
    [InlineData(1)]
    public async Task Top_k_equals_the_term_at_a_time_scorer_on_a_synthetic_corpus(int topK)
    {
        var chunks = SyntheticCorpus(6000, 3000, seed: 11);
        var index = new Bm25Index(new FakeDocumentStore());
        foreach (var batch in chunks.Chunk(700)) await index.AddAsync(batch, CancellationToken.None);
        var reference = new ReferenceBm25(EnglishAnalyzer.Instance, new Bm25Options(), chunks.Select(c => (c.Id, c.Text)));

        AssertSameAsReference(index, reference, Queries(300, 3000, seed: 5), topK);
    }

    [Fact]
    public async Task Top_100_equals_the_term_at_a_time_scorer_after_deletes_and_replacements()
    {
        var chunks = SyntheticCorpus(5000, 2000, seed: 3);
        var index = new Bm25Index(new FakeDocumentStore(), EnglishAnalyzer.Instance, new Bm25Options { K1 = 1.2, B = 0.75 });
        await index.AddAsync(chunks, CancellationToken.None);
        // A few deletes (kept as dead postings) and replacements of existing ids with new text.
        var deleted = Enumerable.Range(0, 1700).Where(d => d % 5 == 0).Select(d => $"doc{d}").ToHashSet();
        foreach (var documentId in deleted) await index.DeleteDocumentAsync("c", documentId, CancellationToken.None);
        var replacements = SyntheticCorpus(200, 2000, seed: 4).Select((c, i) => c with { Id = chunks[i * 7 + 1].Id, DocumentId = chunks[i * 7 + 1].DocumentId }).ToList();
        await index.AddAsync(replacements, CancellationToken.None);

        var replaced = replacements.ToDictionary(c => c.Id);
        var survivors = chunks.Where(c => !deleted.Contains(c.DocumentId) && !replaced.ContainsKey(c.Id)).Concat(replacements);
        var reference = new ReferenceBm25(EnglishAnalyzer.Instance, new Bm25Options { K1 = 1.2, B = 0.75 }, survivors.Select(c => (c.Id, c.Text)));

        AssertSameAsReference(index, reference, Queries(200, 2000, seed: 8), 100);
        AssertSameAsReference(index, reference, Queries(200, 2000, seed: 9), 10);
    }
}
