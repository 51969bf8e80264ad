using Microsoft.Extensions.Logging;

namespace RagLab.Infrastructure.Redis;

/// <summary>
/// Logs "Redis is down" at most once per interval, so a dead cache does not flood the log with one warning per question.
/// </summary>
internal sealed class RateLimitedWarning(ILogger logger, TimeProvider time, TimeSpan interval)
{
    private readonly Lock gate = new();
    private DateTimeOffset nextAllowed = DateTimeOffset.MinValue;
    private int suppressed;

    public void Log(Exception exception, string operation)
    {
        int skipped;
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (now < nextAllowed)
            {
                suppressed++;
                return;
            }
            nextAllowed = now + interval;
            skipped = suppressed;
            suppressed = 0;
        }
        logger.LogWarning("{Operation} skipped because Redis is unreachable or failed: {Reason} ({Suppressed} similar warnings suppressed).",
            operation, exception.Message, skipped);
    }
}
