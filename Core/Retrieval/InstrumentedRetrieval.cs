using System.Diagnostics;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>What every retriever does around its search: checks the query, opens a <c>retrieve</c> span and records the duration.</summary>
internal static class InstrumentedRetrieval
{
    /// <summary>The largest TopK a retriever accepts.</summary>
    public const int MaxTopK = 1000;

    public static async Task<IReadOnlyList<RetrievalHit>> RunAsync(
        string retriever,
        RetrievalQuery query,
        Func<RetrievalQuery, CancellationToken, Task<IReadOnlyList<RetrievalHit>>> search,
        CancellationToken cancellationToken)
    {
        var checkedQuery = Validate(query);
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("retrieve");
        activity?.SetTag("raglab.retriever", retriever);
        activity?.SetTag("raglab.collection", checkedQuery.Collection);
        activity?.SetTag("raglab.top_k", checkedQuery.TopK);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var hits = await search(checkedQuery, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("raglab.hits", hits.Count);
            return hits;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            RagLabTelemetry.RetrievalDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("raglab.retriever", retriever));
        }
    }

    /// <summary>Ranks scored chunks as hits (1-based).</summary>
    public static IReadOnlyList<RetrievalHit> ToHits(IReadOnlyList<ScoredChunk> scored)
    {
        var hits = new RetrievalHit[scored.Count];
        for (var i = 0; i < hits.Length; i++) hits[i] = new RetrievalHit(i + 1, scored[i].Score, scored[i].Chunk);
        return hits;
    }

    private static RetrievalQuery Validate(RetrievalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.Text))
            throw new ValidationException("The query is empty: type a question or some keywords to search for.");
        if (query.TopK is < 1 or > MaxTopK)
            throw new ValidationException($"TopK must be between 1 and {MaxTopK}; got {query.TopK}.");
        return query with { Collection = CollectionName.Normalize(query.Collection) };
    }
}
