using RagLab.Core.Telemetry;

namespace RagLab.Core.Tests.Telemetry;

public class HitRatioTests
{
    [Fact]
    public void Reports_nothing_before_the_first_lookup_then_hits_over_lookups()
    {
        var ratio = new HitRatio();
        Assert.Empty(ratio.Observe());

        ratio.Record(hit: false);
        ratio.Record(hit: true);
        ratio.Record(hit: true);
        ratio.Record(hit: false);

        Assert.Equal(0.5, Assert.Single(ratio.Observe()).Value);
    }

    [Fact]
    public void Stays_between_0_and_1_while_lookups_are_recorded_from_many_threads()
    {
        var ratio = new HitRatio();
        var observed = new List<double>();
        Parallel.Invoke(
            () => Parallel.For(0, 100_000, i => ratio.Record(hit: true)),
            () => { for (var i = 0; i < 2_000; i++) observed.AddRange(ratio.Observe().Select(m => m.Value)); });

        Assert.All(observed, value => Assert.InRange(value, 0, 1));
        Assert.Equal(1, Assert.Single(ratio.Observe()).Value);
    }
}
