namespace RagLab.Web.Components.Charts;

/// <summary>One bar: its value and, optionally, a higher value drawn as a whisker (e.g. p50 with p95).</summary>
public sealed record ChartPoint(double? Value, double? High = null);

/// <summary>A series of bars, one per group, in one colour.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>A published figure drawn across the chart: a band from <see cref="Low"/> to <see cref="High"/>, or a line when equal.</summary>
public sealed record ChartReference(string Label, double Low, double High);

/// <summary>The scale of a bar chart's value axis.</summary>
internal sealed class ChartScale
{
    private readonly double _min, _max;
    private readonly bool _log;

    public ChartScale(IEnumerable<double> values, bool log, double? fixedMax)
    {
        var positive = values.Where(v => v > 0 && double.IsFinite(v)).ToList();
        _log = log && positive.Count > 0;
        if (_log)
        {
            _min = Math.Pow(10, Math.Floor(Math.Log10(positive.Min())));
            _max = Math.Pow(10, Math.Ceiling(Math.Log10(fixedMax ?? positive.Max())));
            if (_max <= _min) _max = _min * 10;
        }
        else
        {
            _min = 0;
            _max = fixedMax ?? (positive.Count == 0 ? 1 : Nice(positive.Max() * 1.05));
        }
    }

    /// <summary>0 at the axis, 1 at the top.</summary>
    public double Fraction(double value)
    {
        if (_log)
            return value <= 0 ? 0 : Math.Clamp((Math.Log10(value) - Math.Log10(_min)) / (Math.Log10(_max) - Math.Log10(_min)), 0, 1);
        return Math.Clamp(value / _max, 0, 1);
    }

    public IReadOnlyList<double> Ticks()
    {
        if (_log)
        {
            var ticks = new List<double>();
            for (var v = _min; v <= _max * 1.0001; v *= 10) ticks.Add(v);
            return ticks;
        }
        return [.. Enumerable.Range(0, 5).Select(i => _max * i / 4)];
    }

    /// <summary>The next 1, 2, 2.5 or 5 × 10^n at or above <paramref name="value"/>: round axis labels.</summary>
    private static double Nice(double value)
    {
        if (value <= 0) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
            if (step * magnitude >= value) return step * magnitude;
        return 10 * magnitude;
    }
}
