using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

public sealed class JsonlEvalSetReaderTests
{
    private static Task<IReadOnlyList<EvalItem>> Read(string text) => JsonlEvalSetReader.ReadAsync(new StringReader(text), CancellationToken.None);

    [Fact]
    public async Task Reads_items_skipping_blank_lines()
    {
        var items = await Read("""
            {"question": "What is the refund window?", "answer": "30 days", "relevantDocuments": ["refunds.md"], "tags": ["faq"]}

            {"question": "Who founded the company?", "unanswerable": true, "id": "founder"}
            """);

        Assert.Equal(2, items.Count);
        Assert.Equal(("q1", "What is the refund window?", "30 days", false), (items[0].Id, items[0].Question, items[0].Answer, items[0].Unanswerable));
        Assert.Equal(["faq"], items[0].Tags);
        Assert.Equal(["refunds.md"], items[0].RelevantDocuments);
        Assert.Equal("founder", items[1].Id);
        Assert.True(items[1].Unanswerable);
        Assert.Null(items[1].Answer);
        Assert.Empty(items[1].RelevantDocuments);
    }

    [Theory]
    [InlineData("{\"question\": \"ok\"}\n{\"answer\": \"x\"}", 2, "question")]
    [InlineData("{\"question\": \"ok\"}\n\nnot json", 3, "not valid JSON")]
    [InlineData("[1, 2]", 1, "expected a JSON object")]
    [InlineData("{\"question\": \"ok\", \"relevantDocuments\": \"a.md\"}", 1, "array of strings")]
    [InlineData("{\"question\": \"ok\", \"anwser\": \"x\"}", 1, "unknown field 'anwser'")]
    [InlineData("{\"question\": 5}", 1, "must be a string")]
    [InlineData("{\"question\": \"a\", \"id\": \"x\"}\n{\"question\": \"b\", \"id\": \"x\"}", 2, "already used")]
    public async Task A_bad_line_is_rejected_with_its_number_and_the_problem(string text, int line, string problem)
    {
        var error = await Assert.ThrowsAsync<JsonlUploadException>(() => Read(text));
        var bad = Assert.Single(error.Errors);
        Assert.Equal(line, bad.Line);
        Assert.Contains(problem, bad.Message);
        Assert.Contains($"line {line}: ", error.Message);
    }

    [Fact]
    public async Task Every_bad_line_is_reported_not_only_the_first()
    {
        const string text = "{\"question\": \"ok\"}\nnot json\n{\"question\": \"fine\"}\n{\"answer\": \"x\"}\n\n{\"question\": 5}";

        var error = await Assert.ThrowsAsync<JsonlUploadException>(() => Read(text));

        Assert.Equal([2, 4, 6], error.Errors.Select(e => e.Line));
        Assert.StartsWith("3 of 6 lines are not eval questions", error.Message);
        Assert.Contains("nothing was stored", error.Message);
    }

    [Fact]
    public async Task An_empty_file_is_rejected()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => Read("\n  \n"));
        Assert.Contains("no questions", error.Message);
    }
}
