namespace RagLab.Core.Evaluation.Runs;

/// <summary>A figure from the material RagLab was seeded with, shown beside what a run measured.</summary>
/// <param name="Wording">The claim as published.</param>
/// <param name="Low">The figure (or the low end of a range) as a number, in <paramref name="Unit"/>.</param>
public sealed record PublishedFigure(string Key, string Wording, string Figure, double Low, double High, string Unit, string Source);

/// <summary>The seeds' published figures. They are claims to check against measurements, not inputs to any decision.</summary>
public static class PublishedFigures
{
    public const string SourceName = "RagLab seed material (RAG vs fine-tuning comparison)";

    public static readonly PublishedFigure RagRetrievalOverhead = new(
        "rag-retrieval-overhead",
        "RAG adds retrieval overhead of 50–300 ms per query",
        "50–300 ms", 50, 300, "ms", SourceName);

    public static readonly PublishedFigure RagMonthlyCostAtOneMillion = new(
        "rag-cost-1m",
        "Serving RAG costs about $3,700/month at 1M queries",
        "$3,700/month at 1M queries", 3700, 3700, "USD/month", SourceName);

    public static readonly IReadOnlyList<PublishedFigure> All = [RagRetrievalOverhead, RagMonthlyCostAtOneMillion];
}
