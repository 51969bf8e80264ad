using Microsoft.Extensions.Time.Testing;
using RagLab.Web.Components.Chat;

namespace RagLab.Web.Tests.Components;

public sealed class RenderPacerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(60);

    [Fact]
    public void The_first_token_renders_at_once_and_tokens_inside_the_interval_render_when_it_ends()
    {
        var time = new FakeTimeProvider();
        var renders = 0;
        var pacer = new RenderPacer(Interval, () => Interlocked.Increment(ref renders), time);

        pacer.Request();
        Assert.Equal(1, renders); // the first words show at once, however soon after the question they came

        time.Advance(TimeSpan.FromMilliseconds(10));
        pacer.Request();
        pacer.Request();
        Assert.Equal(1, renders); // paced: not once per token...

        time.Advance(TimeSpan.FromMilliseconds(50));
        // ...but never dropped: the stream may pause here, and what arrived shows all the same (one render for both).
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref renders) == 2, TimeSpan.FromSeconds(30)));
        time.Advance(Interval);
        pacer.Request();
        Assert.Equal(3, renders); // a token after a pause longer than the interval renders at once
    }
}
