namespace RagLab.Core.Evaluation.Runs;

/// <summary>Document-level retrieval scores at one cut-off.</summary>
public sealed record RetrievalAtK(int K, double Ndcg, double Recall, double Precision, double ReciprocalRank, double HitRate);

/// <summary>One question through one retriever, scored against its relevant documents.</summary>
/// <param name="RankedDocumentIds">Distinct documents in the order of their best-ranked chunk.</param>
public sealed record EvalRetrievalRecord(
    string ItemId,
    string Retriever,
    IReadOnlyList<string> RankedDocumentIds,
    IReadOnlyList<RetrievalAtK> Scores,
    double RetrievalMs,
    string? Error = null);
