using System.Text.Json.Serialization;
using RagLab.Contracts;

namespace RagLab.Web.Components.Chat;

/// <summary>Where one answer column is.</summary>
public enum AnswerState { Waiting, Streaming, Done, Cancelled, Failed }

/// <summary>What a question was asked with.</summary>
public sealed record AskSettings(string Collection, string? Retriever, bool NoCache);

/// <summary>Prices for the per-answer cost estimate: GPU time when set, otherwise tokens; none means no estimate.</summary>
public sealed record ChatPrices(double? InputDollarsPerMillionTokens, double? OutputDollarsPerMillionTokens, double? GpuDollarsPerHour)
{
    /// <summary>The estimated cost of one answer, or null when no price is set.</summary>
    public double? Estimate(AskResponse response) =>
        GpuDollarsPerHour is { } hourly ? hourly * response.Timings.TotalMs / 3_600_000
        : InputDollarsPerMillionTokens is null && OutputDollarsPerMillionTokens is null ? null
        : (response.Usage.InputTokens * (InputDollarsPerMillionTokens ?? 0) + response.Usage.OutputTokens * (OutputDollarsPerMillionTokens ?? 0)) / 1_000_000;
}

/// <summary>One mode's answer to a question: its text as it streams, then the Api's full response.</summary>
public sealed class ModeAnswer
{
    public required string Mode { get; init; }
    public string Text { get; set; } = "";
    public AskResponse? Response { get; set; }
    public AnswerState State { get; set; }
    public string? Error { get; set; }

    /// <summary>The Api refused it with 409: the collection's vectors come from another embedding model (<see cref="Error"/> says which).</summary>
    public bool ReembedNeeded { get; set; }

    /// <summary>Milliseconds from asking to the first token on this page (the Api's own figure is in the response).</summary>
    public double? FirstTokenMs { get; set; }

    [JsonIgnore] internal CancellationTokenSource? Cancellation { get; set; }

    [JsonIgnore] public bool IsRunning => State is AnswerState.Waiting or AnswerState.Streaming;
}

/// <summary>A question and the answers of every mode it was asked in, side by side.</summary>
public sealed class ChatTurn
{
    public required string Question { get; init; }
    public required AskSettings Settings { get; init; }
    public required List<ModeAnswer> Answers { get; init; }
    public DateTimeOffset AskedAt { get; init; }

    [JsonIgnore] public bool IsRunning => Answers.Any(a => a.IsRunning);
}
