using RagLab.Contracts;

namespace RagLab.Web.Components.FineTunes;

/// <summary>One reported step of training: its train loss, and its validation loss on the steps that evaluated.</summary>
public sealed record LossPoint(int Step, double? Train, double? Validation);

/// <summary>The loss curve of a job, from its <c>metric</c> events.</summary>
public static class LossCurve
{
    /// <summary>One point per step, in step order; a step reported twice keeps each loss's latest value.</summary>
    public static IReadOnlyList<LossPoint> From(IEnumerable<FineTuneEventResponse> events)
    {
        var byStep = new SortedDictionary<int, LossPoint>();
        foreach (var metric in events.Select(e => e.Metric).OfType<TrainingMetricResponse>())
        {
            var train = Finite(metric.TrainLoss);
            var validation = Finite(metric.ValidLoss);
            if (train is null && validation is null) continue;
            byStep[metric.Step] = byStep.TryGetValue(metric.Step, out var known)
                ? known with { Train = train ?? known.Train, Validation = validation ?? known.Validation }
                : new LossPoint(metric.Step, train, validation);
        }
        return [.. byStep.Values];
    }

    // A diverged run reports NaN or infinity; a chart cannot place it, and the events list still shows it.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
