using System.Net;
using Polly;
using Polly.Retry;

namespace RagLab.ServiceDefaults;

/// <summary>
/// Retries safe requests (GET, HEAD, OPTIONS) a couple of times on connection failures, 408, 429 and 5xx, with a short
/// exponential backoff. Stands in for Microsoft.Extensions.Http.Resilience, which does not restore on our build machines.
/// </summary>
/// <remarks>
/// Deliberately no total-request timeout here: a model server can take minutes to answer, and each client sets its own
/// <see cref="HttpClient.Timeout"/> (Ollama: <c>RagLab:Ollama:RequestTimeout</c>). POSTs are never retried, so a slow
/// generation is never started twice.
/// </remarks>
public sealed class TransientHttpRetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <param name="maxRetryAttempts">Extra attempts after the first one.</param>
    /// <param name="baseDelay">Delay before the first retry; doubled (with jitter) for each further one.</param>
    public TransientHttpRetryHandler(int maxRetryAttempts = 2, TimeSpan? baseDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetryAttempts);
        var delay = baseDelay ?? TimeSpan.FromMilliseconds(250);
        _pipeline = maxRetryAttempts == 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = maxRetryAttempts,
                    Delay = delay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = delay > TimeSpan.Zero,
                    ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .Handle<HttpRequestException>()
                        .HandleResult(response => IsTransient(response.StatusCode)),
                })
                .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!IsSafeToRepeat(request))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await _pipeline.ExecuteAsync(
            static async (state, token) => await state.Handler.SendCore(state.Request, token).ConfigureAwait(false),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendCore(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Content is null
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options);

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
}
