namespace RagLab.Core.Evaluation.Sets;

/// <summary>One evaluation question.</summary>
/// <param name="Id">Unique within its set.</param>
/// <param name="Answer">The reference answer, when known; answer metrics need it.</param>
/// <param name="RelevantDocuments">Ids or names of the documents that answer it; retrieval metrics and citation precision need them.</param>
/// <param name="Unanswerable">True when the documents do not answer it: the right response is to say so.</param>
public sealed record EvalItem(
    string Id,
    string Question,
    string? Answer,
    IReadOnlyList<string> RelevantDocuments,
    IReadOnlyList<string> Tags,
    bool Unanswerable = false);
