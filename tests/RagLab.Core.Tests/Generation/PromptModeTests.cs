using Microsoft.Extensions.AI;
using RagLab.Core.Generation;
using RagLab.Core.Generation.Prompting;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Storage;

namespace RagLab.Core.Tests.Generation;

/// <summary>The <c>prompt</c> mode: a collection's own system prompt and examples, written in Semantic Kernel's template syntax.</summary>
public sealed class PromptModeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-prompt-" + Guid.NewGuid().ToString("n"));
    private readonly SqlCollectionPromptStore _store;
    private readonly CollectionPromptRenderer _renderer = new();
    private readonly CollectionPrompts _prompts;
    private readonly PromptAnswerMode _mode;

    public PromptModeTests()
    {
        _store = new SqlCollectionPromptStore(new SqliteDatabase(Path.Combine(_directory, "raglab.db")));
        _prompts = new CollectionPrompts(_store, _renderer);
        _mode = new PromptAnswerMode(_store, _renderer);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    private async Task<IReadOnlyList<ChatMessage>> PlanAsync(string question, string collection = "shop")
    {
        var plan = await ((IAnswerMode)_mode).PlanAsync(new AnswerPlanRequest(question, collection, [], 8192, "qwen2.5:1.5b", null, 5), CancellationToken.None);
        Assert.Empty(plan.Sources); // no retrieval: nothing to cite
        return plan.Prompt.Messages;
    }

    private static (string Role, string Text)[] Turns(IEnumerable<ChatMessage> messages) => [.. messages.Select(m => (m.Role.Value, m.Text))];

    [Fact]
    public async Task A_collection_prompt_renders_its_variables_and_sends_the_examples_as_earlier_turns()
    {
        await _prompts.SaveAsync("shop", new CollectionPrompt(
            "You answer for the {{$collection}} help desk. Reply in one sentence.",
            [new FewShotExample("Do you ship abroad?", "Yes, to every EU country."), new FewShotExample("Can I return sale items?", "No, sale items are final.")],
            "Customer question: {{$question}}"), CancellationToken.None);

        var messages = await PlanAsync("Can I pay with <PayPal> & cash?");

        Assert.Equal(
            [
                ("system", "You answer for the shop help desk. Reply in one sentence."),
                ("user", "Do you ship abroad?"), ("assistant", "Yes, to every EU country."),
                ("user", "Can I return sale items?"), ("assistant", "No, sale items are final."),
                // The question as typed: not HTML-encoded, because the rendered text is sent as plain text.
                ("user", "Customer question: Can I pay with <PayPal> & cash?"),
            ],
            Turns(messages));
    }

    [Fact]
    public async Task Without_a_prompt_of_its_own_a_collection_uses_the_built_in_one()
    {
        var view = await _prompts.GetAsync("shop", CancellationToken.None);
        Assert.True(view.IsDefault);
        Assert.Null(view.UpdatedAt);
        Assert.Equal(CollectionPrompt.Default, view.Prompt);

        var messages = await PlanAsync("What is the refund window?");

        // The same messages the mode's built-in prompt gives, and the same system prompt as base: an unedited prompt column measures base.
        Assert.Equal(Turns(_mode.BuildPrompt("What is the refund window?", [])), Turns(messages));
        Assert.Equal([("system", BasePromptBuilder.SystemPrompt), ("user", "What is the refund window?")], Turns(messages));
    }

    [Fact]
    public async Task Each_collection_has_its_own_prompt_and_a_reset_goes_back_to_the_default()
    {
        await _prompts.SaveAsync("shop", new CollectionPrompt("Shop rules.", [], "{{$question}}"), CancellationToken.None);

        Assert.Equal("Shop rules.", (await PlanAsync("Hi?", "shop"))[0].Text);
        Assert.Equal(BasePromptBuilder.SystemPrompt, (await PlanAsync("Hi?", "legal"))[0].Text);

        var reset = await _prompts.ResetAsync("shop", CancellationToken.None);
        Assert.True(reset.IsDefault);
        Assert.Equal(BasePromptBuilder.SystemPrompt, (await PlanAsync("Hi?", "shop"))[0].Text);
    }

    [Fact]
    public async Task An_empty_system_template_sends_no_system_message()
    {
        await _prompts.SaveAsync("shop", new CollectionPrompt("", [new FewShotExample("2+2?", "4")], "{{$question}}"), CancellationToken.None);

        Assert.Equal([("user", "2+2?"), ("assistant", "4"), ("user", "3+3?")], Turns(await PlanAsync("3+3?")));
    }

    [Theory]
    [InlineData("", "Tell me about {{$topic}}", "$topic")]
    [InlineData("", "Answer briefly.", "does not use {{$question}}")]
    [InlineData("Today is {{time.now}}.", "{{$question}}", "no functions")]
    [InlineData("Hello {{$}}", "{{$question}}", "not valid Semantic Kernel template syntax")]
    [InlineData("", "", "user template is empty")]
    public async Task A_template_that_would_not_work_is_refused_with_what_to_fix_and_nothing_is_saved(string system, string user, string expected)
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => _prompts.SaveAsync("shop", new CollectionPrompt(system, [], user), CancellationToken.None));

        Assert.Contains(expected, error.Message);
        Assert.True((await _prompts.GetAsync("shop", CancellationToken.None)).IsDefault);
    }

    [Fact]
    public async Task Examples_need_a_question_and_an_answer_and_are_limited_in_number()
    {
        var halfExample = new CollectionPrompt("", [new FewShotExample("Ok?", "Yes."), new FewShotExample("Missing answer?", " ")], "{{$question}}");
        var error = await Assert.ThrowsAsync<ValidationException>(() => _prompts.SaveAsync("shop", halfExample, CancellationToken.None));
        Assert.Contains("Example 2 needs both a question and an answer", error.Message);

        var tooMany = new CollectionPrompt("", [.. Enumerable.Range(1, CollectionPromptRenderer.MaxExamples + 1).Select(i => new FewShotExample($"Q{i}?", $"A{i}."))], "{{$question}}");
        error = await Assert.ThrowsAsync<ValidationException>(() => _prompts.SaveAsync("shop", tooMany, CancellationToken.None));
        Assert.Contains($"the limit is {CollectionPromptRenderer.MaxExamples}", error.Message);
    }

    [Fact]
    public async Task A_bad_collection_name_is_refused()
    {
        await Assert.ThrowsAsync<ValidationException>(() => _prompts.GetAsync("Not A Name", CancellationToken.None));
    }

    [Fact]
    public async Task Editing_the_prompt_changes_the_answer_cache_key_so_no_answer_of_an_older_prompt_is_served()
    {
        Assert.Null(await _mode.GetCacheVariantAsync("shop", CancellationToken.None));

        await _prompts.SaveAsync("shop", new CollectionPrompt("Be brief.", [], "{{$question}}"), CancellationToken.None);
        var first = await _mode.GetCacheVariantAsync("shop", CancellationToken.None);
        await _prompts.SaveAsync("shop", new CollectionPrompt("Be thorough.", [], "{{$question}}"), CancellationToken.None);
        var second = await _mode.GetCacheVariantAsync("shop", CancellationToken.None);
        await _prompts.SaveAsync("shop", new CollectionPrompt("Be brief.", [], "{{$question}}"), CancellationToken.None);

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        Assert.Equal(first, await _mode.GetCacheVariantAsync("shop", CancellationToken.None)); // the same prompt, the same key
        await _prompts.ResetAsync("shop", CancellationToken.None);
        Assert.Null(await _mode.GetCacheVariantAsync("shop", CancellationToken.None));
    }
}
