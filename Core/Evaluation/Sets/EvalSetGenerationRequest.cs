using RagLab.Core.Jobs;
namespace RagLab.Core.Evaluation.Sets;

/// <summary>What to generate: <paramref name="Count"/> questions from chunks of <paramref name="Collection"/>.</summary>
/// <param name="Seed">Chunk sampling is deterministic for a seed (the model's wording may still vary).</param>
/// <param name="DuplicateThreshold">Questions whose normalised token Jaccard with a kept one reaches this are dropped.</param>
/// <param name="MinChunkWords">Chunks shorter than this (headings, stubs) are not used as sources.</param>
/// <param name="ReaderGroups">Whose view the questions are written from: the groups of the caller who asked (set by the server), or
/// null for everything. Chunks of documents outside it are never shown to the model.</param>
public sealed record EvalSetGenerationRequest(
    string Name,
    string? Collection,
    int Count = 30,
    int Seed = 42,
    double DuplicateThreshold = QuestionSimilarity.DefaultDuplicateThreshold,
    int MinChunkWords = 20,
    IReadOnlyList<string>? ReaderGroups = null) : IJobPayload
{
    public static string Kind => EvalSetGenerationJobHandler.JobKind;
}
