using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RagLab.Contracts;
using RagLab.Web.Api;

namespace RagLab.Web;

public sealed partial class RagLabApiClient
{
    public Task<SearchResponse> SearchAsync(SearchRequest request, CancellationToken cancellationToken) =>
        PostJsonAsync<SearchResponse>("/api/search", request, cancellationToken);

    /// <param name="noCache">Sends <c>Cache-Control: no-cache</c>, which makes the Api answer afresh.</param>
    public async Task<AskResponse> AskAsync(AskRequest request, bool noCache, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => AskMessage("/api/ask", request, noCache), cancellationToken);
        return await ReadAsync<AskResponse>(response, cancellationToken);
    }

    /// <summary>
    /// <c>POST /api/ask/stream</c>: <see cref="AskTokenEvent"/>s as the answer is written, then one <see cref="AskDoneEvent"/>,
    /// or an <see cref="AskErrorEvent"/> when it failed after it started. Cancelling the token ends the request, which stops
    /// the generation on the Api.
    /// </summary>
    /// <exception cref="ApiException">The Api refused the question before streaming (e.g. an unknown mode, 503 without a model).</exception>
    public async IAsyncEnumerable<AskStreamEvent> AskStreamAsync(AskRequest request, bool noCache,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => AskMessage("/api/ask/stream", request, noCache), cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var finished = false;
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            AskStreamEvent? parsed = item.EventType switch
            {
                AskStreamEvent.TokenName => Deserialize<AskTokenEvent>(item.Data),
                AskStreamEvent.DoneName => new AskDoneEvent(Deserialize<AskResponse>(item.Data)),
                AskStreamEvent.ErrorName => Deserialize<AskErrorEvent>(item.Data),
                _ => null, // an event this client does not know yet: skipped, as SSE clients do
            };
            if (parsed is null) continue;
            finished |= parsed is AskDoneEvent or AskErrorEvent;
            yield return parsed;
        }
        if (!finished)
            yield return new AskErrorEvent(502, "Stream ended early", "The Api closed the answer stream before it finished; ask again.");
    }

    private static HttpRequestMessage AskMessage(string path, AskRequest request, bool noCache)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(request, options: RagLabJson.Options) };
        if (noCache) message.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        return message;
    }

    private static T Deserialize<T>(string data)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(data, RagLabJson.Options) ?? throw new ApiException("The Api sent an empty stream event.");
        }
        catch (JsonException ex)
        {
            throw new ApiException($"The Api sent a stream event this page cannot read: {ex.Message}", null, ex);
        }
    }
}
