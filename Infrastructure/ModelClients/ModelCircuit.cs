using Microsoft.Extensions.Logging;

namespace RagLab.Infrastructure.ModelClients;

/// <summary>
/// A circuit breaker for one chat model: after <c>failures</c> failed calls in a row it opens for <c>breakFor</c>, and the
/// provider reports the model unavailable meanwhile (so <c>rag</c> answers extractively, labelled, and /health is Degraded);
/// after that one call is let through, and its outcome closes or reopens it. Every failure is logged with its cause.
/// Written by hand: Polly's breaker wraps one call, and a streamed answer succeeds or fails only when its stream ends.
/// </summary>
public sealed class ModelCircuit(string model, int failures, TimeSpan breakFor, TimeProvider time, ILogger logger)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;
    private string? _lastError;

    /// <summary>Whether calls are held back now.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate) return _openUntil is { } until && time.GetUtcNow() < until;
        }
    }

    /// <summary>Why the circuit is open, for the status and /health; null while closed.</summary>
    public string? OpenReason
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is { } until && time.GetUtcNow() < until
                    ? $"The chat model '{model}' failed {_consecutiveFailures} times in a row (last: {_lastError}); " +
                      $"answers are extractive until {until:HH:mm:ss} UTC, then it is tried again."
                    : null;
            }
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            if (_openUntil is not null) logger.LogInformation("Chat model {Model} answers again; circuit closed", model);
            _consecutiveFailures = 0;
            _openUntil = null;
        }
    }

    public void RecordFailure(Exception error)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            _lastError = error.Message;
            logger.LogWarning(error, "Chat model {Model} call failed ({Failures} in a row): {Cause}", model, _consecutiveFailures, error.Message);
            if (_consecutiveFailures >= failures)
            {
                _openUntil = time.GetUtcNow() + breakFor;
                logger.LogError("Chat model {Model} failed {Failures} times in a row; answering extractively for {BreakFor}", model, _consecutiveFailures, breakFor);
            }
        }
    }
}
