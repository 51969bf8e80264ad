using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

public class ReciprocalRankFusionTests
{
    private static IReadOnlyList<ScoredChunk> Ranking(params string[] ids) =>
        ids.Select((id, i) => new ScoredChunk(TestChunks.Make(id, id), 100 - i)).ToArray();

    [Fact]
    public void Fused_scores_are_sums_of_reciprocal_ranks()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("A", "B", "C"), Ranking("C", "A", "D")], topK: 10);

        // A: ranks 1 and 2; C: ranks 3 and 1; B: rank 2; D: rank 3 (k = 60).
        Assert.Equal(["A", "C", "B", "D"], fused.Select(h => h.Chunk.Id));
        Assert.Equal([1, 2, 3, 4], fused.Select(h => h.Rank));
        Assert.Equal(1.0 / 61 + 1.0 / 62, fused[0].Score, 12);
        Assert.Equal(1.0 / 63 + 1.0 / 61, fused[1].Score, 12);
        Assert.Equal(1.0 / 62, fused[2].Score, 12);
        Assert.Equal(1.0 / 63, fused[3].Score, 12);
    }

    [Fact]
    public void Top_k_cuts_the_fused_list_and_k_changes_the_weights()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("A", "B", "C"), Ranking("C", "A", "D")], topK: 2, k: 0);

        // k = 0: A = 1 + 1/2, C = 1/3 + 1, B = 1/2, D = 1/3.
        Assert.Equal(["A", "C"], fused.Select(h => h.Chunk.Id));
        Assert.Equal(1.5, fused[0].Score, 12);
        Assert.Equal(4.0 / 3, fused[1].Score, 12);
    }

    [Fact]
    public void Equal_fused_scores_are_ordered_by_chunk_id()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("b"), Ranking("a")], topK: 10);

        Assert.Equal(["a", "b"], fused.Select(h => h.Chunk.Id));
        Assert.Equal(fused[0].Score, fused[1].Score);
    }

    [Fact]
    public void A_chunk_repeated_within_one_ranking_counts_once()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("A", "A", "B")], topK: 10);

        Assert.Equal(["A", "B"], fused.Select(h => h.Chunk.Id));
        Assert.Equal(1.0 / 61, fused[0].Score, 12);
        Assert.Equal(1.0 / 63, fused[1].Score, 12);
    }

    [Fact]
    public void Fuses_retrieval_hits_by_their_order()
    {
        IReadOnlyList<RetrievalHit> first = [new(1, 9, TestChunks.Make("X", "x")), new(2, 8, TestChunks.Make("Y", "y"))];
        IReadOnlyList<RetrievalHit> second = [new(1, 0.9, TestChunks.Make("Y", "y"))];

        var fused = ReciprocalRankFusion.Fuse([first, second], topK: 10);

        Assert.Equal(["Y", "X"], fused.Select(h => h.Chunk.Id));
        Assert.Equal(1.0 / 62 + 1.0 / 61, fused[0].Score, 12);
    }
}
