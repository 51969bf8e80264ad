namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Turns prices and measurements into $/query and monthly projections for 10k, 100k and 1M queries.
/// GPU basis: $/query = $/hour × mean total seconds per query ÷ 3600 (queries served one at a time: a conservative throughput).
/// Token basis: $/query = input tokens × input price + output tokens × output price (per million).
/// </summary>
public static class CostProjector
{
    public static readonly IReadOnlyList<long> MonthlyVolumes = [10_000, 100_000, 1_000_000];

    public const double HoursPerMonth = 730;

    public static CostProjection? Project(PriceSettings? prices, string mode, double meanTotalMs, double inputTokensPerQuery, double outputTokensPerQuery)
    {
        if (prices is null) return null;
        double? training = prices.TrainingCostDollars is { } costs && costs.TryGetValue(mode, out var t) ? t : null;
        if (prices.GpuDollarsPerHour is { } hourly)
        {
            var perQuery = hourly * meanTotalMs / 3_600_000.0;
            return new CostProjection("gpu-hour", perQuery, Monthly(perQuery), training, hourly * HoursPerMonth);
        }
        if (prices.InputDollarsPerMillionTokens is not null || prices.OutputDollarsPerMillionTokens is not null)
        {
            var perQuery = (inputTokensPerQuery * (prices.InputDollarsPerMillionTokens ?? 0)
                          + outputTokensPerQuery * (prices.OutputDollarsPerMillionTokens ?? 0)) / 1_000_000.0;
            return new CostProjection("tokens", perQuery, Monthly(perQuery), training, null);
        }
        return null;
    }

    private static IReadOnlyList<MonthlyCost> Monthly(double perQuery) =>
        MonthlyVolumes.Select(volume => new MonthlyCost(volume, perQuery * volume)).ToArray();
}
