using RagLab.Core.Evaluation.Llm;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Tests.Evaluation.Fakes;

namespace RagLab.Core.Tests.Evaluation;

public sealed class LlmJudgeGroundednessTests
{
    [Fact]
    public async Task Score_is_supported_claims_over_claims_from_fenced_json()
    {
        var judge = new FakeChatClient(prompt => prompt.StartsWith("Break the answer")
            ? "Sure! Here you go:\n```json\n{\"claims\": [\"Refunds take 30 days\", \"Shipping is free\", \"Support is 24/7\",]}\n```"
            : """{"verdicts": [{"claim": 1, "supported": true}, {"claim": 3, "supported": "yes"}, {"claim": 2, "supported": false}]}""");
        var result = await new LlmJudgeGroundedness(judge).ScoreAsync("q", "answer [1]", ["context"], CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(3, result.Claims);
        Assert.Equal(2, result.Supported);
        Assert.Equal(2.0 / 3, result.Score, 10);
        Assert.DoesNotContain("[1]", judge.Prompts[0]);
    }

    [Fact]
    public async Task Missing_verdicts_count_as_unsupported()
    {
        var judge = new FakeChatClient(prompt => prompt.StartsWith("Break the answer") ? """["a", "b"]""" : """[true]""");
        var result = await new LlmJudgeGroundedness(judge).ScoreAsync("q", "a. b.", ["ctx"], CancellationToken.None);
        Assert.Equal(0.5, result!.Score);
    }

    [Fact]
    public async Task Returns_null_without_judge_claims_or_parseable_reply()
    {
        Assert.Null(await new LlmJudgeGroundedness(null).ScoreAsync("q", "answer", ["ctx"], CancellationToken.None));
        Assert.Null(await new LlmJudgeGroundedness(new FakeChatClient(_ => """{"claims": []}""")).ScoreAsync("q", "answer", ["ctx"], CancellationToken.None));
        Assert.Null(await new LlmJudgeGroundedness(new FakeChatClient(_ => "I cannot do that")).ScoreAsync("q", "answer", ["ctx"], CancellationToken.None));
    }

    [Fact]
    public void LlmJson_skips_bracketed_prose_and_reads_the_first_valid_block()
    {
        var json = LlmJson.Extract("See [1] and {not json} then {\"question\": \"What is X?\", \"answer\": \"Y\"} trailing");
        Assert.Equal("What is X?", LlmJson.String(json!.Value, "Question"));
        Assert.Null(LlmJson.Extract("no json here"));
    }
}
