using RagLab.Core.Kernel;
namespace RagLab.Infrastructure.Ollama;

/// <summary>What one <c>GET /api/tags</c> probe found.</summary>
/// <param name="Error">Why the server could not be used, when <paramref name="Reachable"/> is false.</param>
internal sealed record OllamaProbeResult(bool Reachable, IReadOnlyList<OllamaModel> Models, string? Error, DateTimeOffset CheckedAt)
{
    public bool HasModel(string model) => Models.Any(m => m.Matches(model));
}

/// <summary>
/// Asks one Ollama server for its models with a short timeout and reuses the answer for an interval, so a server started later is
/// found without a restart while a dead one costs one short probe per interval, not one per request.
/// </summary>
internal sealed class OllamaTagsProbe(OllamaApiClient api, TimeSpan timeout, TimeSpan interval, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OllamaProbeResult? _last;

    public Uri Endpoint => api.Endpoint;

    public async ValueTask<OllamaProbeResult> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_last) is { } cached)
            return cached;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have probed while this one waited.
            if (Fresh(_last) is { } probedMeanwhile)
                return probedMeanwhile;
            var result = await ProbeAsync(cancellationToken).ConfigureAwait(false);
            _last = result;
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the last outcome, e.g. after a pull finished, so the next call probes again.</summary>
    public void Invalidate() => _last = null;

    public void Dispose() => _gate.Dispose();

    private OllamaProbeResult? Fresh(OllamaProbeResult? result) =>
        result is not null && timeProvider.GetUtcNow() - result.CheckedAt < interval ? result : null;

    private async Task<OllamaProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var models = await api.ListModelsAsync(timeoutSource.Token).ConfigureAwait(false);
            return new OllamaProbeResult(true, models, null, timeProvider.GetUtcNow());
        }
        catch (OllamaException ex)
        {
            return new OllamaProbeResult(false, [], ex.Message, timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new OllamaProbeResult(
                false, [],
                $"Ollama at {api.Endpoint} did not answer GET /api/tags within {timeout.TotalSeconds:0.#} s. Start it with `ollama serve` or check RagLab:Ollama:Endpoint.",
                timeProvider.GetUtcNow());
        }
    }
}
