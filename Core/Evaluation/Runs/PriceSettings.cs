namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Prices for cost projections. With <paramref name="GpuDollarsPerHour"/> a query costs GPU time (hourly price × measured
/// seconds per query, one query at a time); otherwise, with token prices, it costs its measured input and output tokens.
/// </summary>
/// <param name="TrainingCostDollars">One-off training cost per mode (e.g. a fine-tuned adapter), shown beside its monthly cost.</param>
public sealed record PriceSettings(
    double? GpuDollarsPerHour = null,
    double? InputDollarsPerMillionTokens = null,
    double? OutputDollarsPerMillionTokens = null,
    IReadOnlyDictionary<string, double>? TrainingCostDollars = null);
