using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace RagLab.Infrastructure.Hosting;

/// <summary>
/// The named <see cref="HttpClient"/>s RagLab's adapters use. Each gets the standard resilience handler with settings for its work:
/// model servers a long attempt timeout (a cold model load or a long answer on a CPU takes minutes) and no retry of a generation,
/// which would run the whole answer again and bill its tokens twice.
/// </summary>
public static class RagLabHttpClients
{
    public const string Ollama = "ollama";

    public const string OpenAiCompatible = "openai-compatible";

    public const string Qdrant = "qdrant";

    /// <summary>Paths whose POST starts a generation; never retried.</summary>
    private static readonly string[] GenerationPaths = ["/api/chat", "/api/generate", "/v1/chat/completions", "/chat/completions", "/v1/completions"];

    /// <summary>
    /// Registers <paramref name="name"/> with the standard resilience handler (replacing the one from the service defaults), an
    /// attempt timeout of <paramref name="attemptTimeout"/>, and retries only for requests that are not generations or probes.
    /// </summary>
    /// <param name="noRetryPaths">Extra paths never retried, e.g. the availability probe that has its own cadence.</param>
    public static IHttpClientBuilder AddResilientHttpClient(this IServiceCollection services, string name, TimeSpan attemptTimeout, params string[] noRetryPaths)
    {
        var timeout = attemptTimeout == Timeout.InfiniteTimeSpan || attemptTimeout <= TimeSpan.Zero ? TimeSpan.FromDays(1) : attemptTimeout;
        string[] neverRetried = [.. GenerationPaths, .. noRetryPaths];
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the documented way to replace the defaults' handler for one client.
        var http = services.AddHttpClient(name, http => http.Timeout = Timeout.InfiniteTimeSpan) // the resilience handler's timeouts bound each call
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = timeout;
                options.TotalRequestTimeout.Timeout = timeout * 3;
                options.CircuitBreaker.SamplingDuration = timeout * 2; // validation: at least twice the attempt timeout
                var transient = options.Retry.ShouldHandle;
                options.Retry.ShouldHandle = args =>
                    IsNeverRetried(args.Context.GetRequestMessage(), neverRetried) ? PredicateResult.False() : transient(args);
            });
        return http;
    }

    internal static bool IsNeverRetried(HttpRequestMessage? request, IReadOnlyList<string> paths)
    {
        var path = request?.RequestUri is { } uri ? (uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString) : null;
        return path is not null && paths.Any(p => path.EndsWith(p, StringComparison.OrdinalIgnoreCase) || path.EndsWith(p.TrimStart('/'), StringComparison.OrdinalIgnoreCase));
    }
}
