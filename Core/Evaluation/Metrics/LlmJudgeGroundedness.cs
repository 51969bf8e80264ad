using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using RagLab.Core.Evaluation.Llm;

namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// Groundedness judged by an LLM in the style of RAGAS faithfulness: the judge first lists the answer's atomic claims,
/// then decides for each whether the context supports it. Score = supported claims ÷ claims.
/// </summary>
public sealed class LlmJudgeGroundedness(IChatClient? judge)
{
    /// <returns>The verdict, or null when there is no judge, the answer makes no claims, or the judge's replies cannot be parsed.</returns>
    public async Task<JudgeGroundedness?> ScoreAsync(string question, string answer, IReadOnlyList<string> context, CancellationToken cancellationToken)
    {
        if (judge is null || string.IsNullOrWhiteSpace(answer)) return null;

        var claims = await ListClaimsAsync(question, AnswerText.StripCitationMarkers(answer), cancellationToken);
        if (claims is null || claims.Count == 0) return null;

        var verdicts = await VerifyAsync(claims, context, cancellationToken);
        if (verdicts is null) return null;
        var supported = verdicts.Count(v => v);
        return new JudgeGroundedness((double)supported / claims.Count, claims.Count, supported);
    }

    private async Task<IReadOnlyList<string>?> ListClaimsAsync(string question, string answer, CancellationToken cancellationToken)
    {
        var prompt = $$"""
            Break the answer below into short, self-contained factual claims. Do not add anything the answer does not say.
            If the answer only declines to answer, return an empty list.
            Reply with JSON only: {"claims": ["claim 1", "claim 2"]}

            Question: {{question}}
            Answer: {{answer}}
            """;
        var reply = await judge!.GetResponseAsync(prompt, cancellationToken: cancellationToken);
        if (LlmJson.Extract(reply.Text) is not { } json) return null;
        var list = json.ValueKind == JsonValueKind.Array ? json : LlmJson.Property(json, "claims");
        if (list is not { ValueKind: JsonValueKind.Array } array) return null;
        return array.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : LlmJson.String(e, "claim"))
            .Where(c => !string.IsNullOrWhiteSpace(c))
            .Select(c => c!.Trim())
            .ToArray();
    }

    /// <returns>One verdict per claim, in order; null when the reply is unusable.</returns>
    private async Task<IReadOnlyList<bool>?> VerifyAsync(IReadOnlyList<string> claims, IReadOnlyList<string> context, CancellationToken cancellationToken)
    {
        var prompt = new StringBuilder();
        prompt.AppendLine("Decide for each numbered claim whether the context below states or directly implies it. Use only the context, not your own knowledge.");
        prompt.AppendLine("""Reply with JSON only: {"verdicts": [{"claim": 1, "supported": true}, {"claim": 2, "supported": false}]}""");
        prompt.AppendLine().AppendLine("Context:");
        foreach (var passage in context) prompt.AppendLine("---").AppendLine(passage);
        prompt.AppendLine("---").AppendLine().AppendLine("Claims:");
        for (var i = 0; i < claims.Count; i++) prompt.AppendLine($"{i + 1}. {claims[i]}");

        var reply = await judge!.GetResponseAsync(prompt.ToString(), cancellationToken: cancellationToken);
        if (LlmJson.Extract(reply.Text) is not { } json) return null;
        var list = json.ValueKind == JsonValueKind.Array ? json : LlmJson.Property(json, "verdicts");
        if (list is not { ValueKind: JsonValueKind.Array } array) return null;

        // Verdicts refer to claims by 1-based number when given, else by position; a claim with no verdict counts as unsupported.
        var verdicts = new bool[claims.Count];
        var position = 0;
        foreach (var item in array.EnumerateArray())
        {
            var index = position++;
            if (LlmJson.Property(item, "claim") is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var n)) index = n - 1;
            if (index < 0 || index >= claims.Count) continue;
            verdicts[index] = ReadSupported(item);
        }
        return verdicts;
    }

    private static bool ReadSupported(JsonElement item)
    {
        var value = item.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.String ? item
            : LlmJson.Property(item, "supported") ?? LlmJson.Property(item, "verdict");
        return value switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } s => s.GetString()?.Trim().ToLowerInvariant() is "yes" or "true" or "supported" or "1",
            { ValueKind: JsonValueKind.Number } n => n.TryGetInt32(out var i) && i == 1,
            _ => false,
        };
    }
}
