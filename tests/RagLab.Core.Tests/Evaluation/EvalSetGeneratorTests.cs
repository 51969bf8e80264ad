using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Tests.Evaluation.Fakes;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

public sealed class EvalSetGeneratorTests
{
    private static readonly string Long = string.Join(' ', Enumerable.Repeat("word", 25));

    private static FakeDocumentStore StoreWithChunks(int count)
    {
        var store = new FakeDocumentStore();
        for (var i = 0; i < count; i++) store.AddChunk("docs", $"doc{i}.md", $"Topic{i} fact. {Long}");
        store.AddChunk("docs", "stub.md", "Too short.");
        return store;
    }

    /// <summary>Asks about the topic named in the passage, so each chunk gives a distinct question.</summary>
    private static FakeChatClient TopicModel() => new(prompt =>
    {
        var topic = prompt.Split(' ', '\n').First(w => w.StartsWith("Topic", StringComparison.Ordinal)).TrimEnd('.');
        return $"Here is one:\n```json\n{{\"question\": \"What is {topic} about?\", \"answer\": \"{topic} fact\"}}\n```";
    });

    [Fact]
    public async Task Generates_labelled_held_out_questions_deterministically()
    {
        var store = StoreWithChunks(6);
        var request = new EvalSetGenerationRequest("gen", "docs", Count: 3, Seed: 7);
        var first = await new EvalSetGenerator(TopicModel(), store).GenerateAsync(request, CancellationToken.None);
        var second = await new EvalSetGenerator(TopicModel(), store).GenerateAsync(request, CancellationToken.None);

        Assert.Equal(3, first.Items.Count);
        Assert.True(first.HeldOutFromTraining);
        Assert.Equal(EvalSetSource.Generated, first.Source);
        Assert.Equal(first.Items.Select(i => i.Question), second.Items.Select(i => i.Question));
        foreach (var item in first.Items)
        {
            var topic = item.Question.Split(' ')[2];
            var document = Assert.Single(item.RelevantDocuments);
            Assert.Equal(DocumentIds.ForDocument("docs", $"doc{topic["Topic".Length..]}.md"), document);
            Assert.Equal($"{topic} fact", item.Answer);
        }
        Assert.DoesNotContain(first.Items, i => i.Question.Contains("stub"));
    }

    [Fact]
    public async Task Near_duplicate_questions_are_dropped()
    {
        var model = new FakeChatClient(_ => """{"question": "What is the refund window?", "answer": "30 days"}""");
        var draft = await new EvalSetGenerator(model, StoreWithChunks(5)).GenerateAsync(new EvalSetGenerationRequest("gen", "docs", Count: 5), CancellationToken.None);
        Assert.Single(draft.Items);
        Assert.True(QuestionSimilarity.Jaccard("What is the refund window?", "what is THE refund window") >= 0.8);
        Assert.True(QuestionSimilarity.Jaccard("What is the refund window?", "Who founded the company?") < 0.8);
    }

    [Fact]
    public async Task Without_a_model_or_usable_output_it_fails_instead_of_returning_an_empty_set()
    {
        var store = StoreWithChunks(2);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => new EvalSetGenerator((Microsoft.Extensions.AI.IChatClient?)null, store).GenerateAsync(new EvalSetGenerationRequest("g", "docs"), CancellationToken.None));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => new EvalSetGenerator(new FakeChatClient(_ => "Sorry, I can't."), store).GenerateAsync(new EvalSetGenerationRequest("g", "docs"), CancellationToken.None));
        var empty = await Assert.ThrowsAsync<ValidationException>(() => new EvalSetGenerator(TopicModel(), store).GenerateAsync(new EvalSetGenerationRequest("g", "other"), CancellationToken.None));
        Assert.Contains("ingest documents first", empty.Message);
    }
}
