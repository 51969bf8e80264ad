namespace RagLab.Web.Components.Chat;

/// <summary>
/// Paces the re-renders of a streaming answer: the first request renders at once, later ones at most once per interval,
/// and a request that falls inside the interval is rendered when the interval ends. Tokens that arrive just before a pause
/// in the stream are therefore shown during the pause, not when (or if) the next token comes.
/// </summary>
internal sealed class RenderPacer(TimeSpan interval, Action render, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private long? _lastRender;
    private bool _scheduled;

    /// <summary>Something changed: render now, or once the interval since the last render has passed.</summary>
    public void Request()
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (_scheduled) return; // the scheduled render will show this change too
            var now = _time.GetTimestamp();
            wait = _lastRender is { } last ? interval - _time.GetElapsedTime(last, now) : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero) _lastRender = now;
            else _scheduled = true;
        }
        if (wait <= TimeSpan.Zero) render();
        else _ = RenderAfterAsync(wait);
    }

    private async Task RenderAfterAsync(TimeSpan wait)
    {
        await Task.Delay(wait, _time);
        lock (_gate)
        {
            _scheduled = false;
            _lastRender = _time.GetTimestamp();
        }
        render();
    }
}
