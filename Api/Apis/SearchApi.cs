using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;
using RagLab.Contracts;

namespace RagLab.Api.Apis;

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/search", SearchAsync).WithTags("Search").RequireReader()
            .WithSummary("Retrieve chunks with bm25, dense or hybrid retrieval (default: hybrid when embeddings are connected and the collection's vectors are the connected model's, else bm25).");
        return app;
    }

    private static async Task<Ok<SearchResponse>> SearchAsync(SearchRequest request, IRetrieverCatalog retrievers, IIndexSync indexes, IOptions<RagLabOptions> options,
        HttpContext context, CancellationToken cancellationToken)
    {
        var query = request.Query?.Trim();
        if (string.IsNullOrEmpty(query)) throw new ValidationException("The query is empty. Send {\"query\": \"…\"}.");
        if (query.Length > QueryLimits.MaxCharacters)
            throw new ValidationException($"The query is {query.Length} characters long; the limit is {QueryLimits.MaxCharacters} characters. Shorten it.");
        var topK = request.TopK ?? options.Value.DefaultTopK;
        if (topK < 1 || topK > options.Value.MaxTopK) throw new ValidationException($"topK must be between 1 and {options.Value.MaxTopK}; it was {topK}.");
        var collection = CollectionName.Normalize(request.Collection);
        var retriever = await retrievers.ResolveAsync(request.Retriever, collection, cancellationToken);
        await indexes.CatchUpAsync(collection, cancellationToken);

        var stopwatch = Stopwatch.StartNew();
        // Only what the caller may read is ranked at all.
        var hits = await retriever.Retriever.RetrieveAsync(new RetrievalQuery(query, collection, topK) { Scope = context.ReaderScope() }, cancellationToken);
        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        return TypedResults.Ok(new SearchResponse(
            [.. hits.Select(h => h.ToContract())],
            retriever.Name, new SearchTimings(elapsed), retriever.Warning is { } warning ? [warning] : null));
    }
}
