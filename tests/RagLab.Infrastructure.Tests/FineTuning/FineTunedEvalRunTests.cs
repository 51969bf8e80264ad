using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>
/// Eval runs with the fine-tuned modes: refused before they start while the collection has no fine-tuned version, and, once it
/// has one, measured side by side with the other modes against the in-test servers.
/// </summary>
public sealed class FineTunedEvalRunTests
{
    /// <summary>A mode of the side-by-side run and what its summary row must show.</summary>
    /// <param name="Retrieves">Runs once per retriever, so it also has a <c>bm25</c> row.</param>
    /// <param name="FineTuned">Answers with the collection's fine-tuned version instead of the base model.</param>
    /// <param name="SeesDocuments">Its prompt carries the documents' text (retrieved chunks, the whole collection, tool results).</param>
    private sealed record EvaluatedMode(string Name, ModeRole Role, bool Retrieves, bool FineTuned, bool SeesDocuments)
    {
        /// <summary>The in-test models know the answers when fine-tuned or when the answer is in their prompt (see <see cref="Respond"/>).</summary>
        public double Accuracy => FineTuned || SeesDocuments ? 1.0 : 0.0;
    }

    /// <summary>The modes evaluated side by side, in the order the summary shows them; a new mode is one more line.</summary>
    private static readonly EvaluatedMode[] Modes =
    [
        new("base", ModeRole.Base, Retrieves: false, FineTuned: false, SeesDocuments: false),
        new("rag", ModeRole.Rag, Retrieves: true, FineTuned: false, SeesDocuments: true),
        new("finetuned", ModeRole.FineTuned, Retrieves: false, FineTuned: true, SeesDocuments: false),
        new("hybrid", ModeRole.Hybrid, Retrieves: true, FineTuned: true, SeesDocuments: true),
    ];

    /// <summary>The eval set: questions on <see cref="FineTuningLab.Documents"/>, the text that answers each, and the reference answer.</summary>
    private static readonly (string Id, string Question, string Evidence, string Answer, string Document)[] Facts =
    [
        ("refund", "Within how many days of purchase are refunds accepted?", "within 30 days of purchase", "30 days", "refunds.md"),
        ("warranty", "How long is the warranty on a laptop?", "two year warranty", "two years", "warranty.md"),
        ("express", "When does express shipping arrive?", "arrives the next business day", "the next business day", "shipping.md"),
    ];

    /// <summary>
    /// The in-test models on the eval questions: a fine-tuned version has learnt the answers; any model answers from its prompt
    /// when the answer's text is in it; otherwise it guesses wrong. Everything else is as <see cref="FineTuningLab.RespondAs"/>.
    /// </summary>
    private static string Respond(string model, IReadOnlyList<FakeChatMessage> messages)
    {
        var question = messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
        var fact = Facts.FirstOrDefault(f => question.Contains(f.Question, StringComparison.Ordinal));
        if (fact.Question is null) return FineTuningLab.RespondAs(model, messages);
        var inPrompt = messages.Any(m => m.Content.Contains(fact.Evidence, StringComparison.OrdinalIgnoreCase));
        return FineTuningLab.IsFineTuned(model) || inPrompt ? fact.Answer : "Probably a week.";
    }

    private static async Task<EvalSet> ImportSetAsync(FineTuningLab lab) =>
        // Not held out from training: the in-test version's knowledge is scripted (eval-set exclusion has its own test).
        await lab.Get<IEvalStore>().ImportAsync(new EvalSetDraft("shop-facts", "default", EvalSetSource.Jsonl, HeldOutFromTraining: false,
            [.. Facts.Select(f => new EvalItem(f.Id, f.Question, f.Answer, [f.Document], []))]), CancellationToken.None);

    [Theory]
    [InlineData("finetuned")]
    [InlineData("hybrid")]
    public async Task A_run_naming_a_fine_tuned_mode_is_refused_before_it_starts_while_the_collection_has_no_version(string mode)
    {
        await using var rig = await TrainingRig.StartAsync(TrainerUnderTest.LocalTrainerBackendName);
        var set = await ImportSetAsync(rig.Lab);
        var request = new EvalRunRequest(set.Id, ["base", "rag", mode], ["bm25"]);

        var refused = await Assert.ThrowsAsync<DependencyUnavailableException>(() => rig.Lab.Get<EvalRunPreflight>().CheckAsync(request, CancellationToken.None));

        Assert.Contains($"The '{mode}' mode answers with collection 'default''s fine-tuned model, and it has none yet", refused.Message);
        Assert.Contains("POST /api/datasets", refused.Message);
        Assert.Contains("POST /api/finetunes", refused.Message);
        Assert.Empty(await rig.Lab.Get<IEvalStore>().ListRunsAsync(set.Id, CancellationToken.None));
    }

    [Fact]
    public async Task With_a_fine_tuned_version_base_rag_finetuned_and_hybrid_are_measured_side_by_side()
    {
        await using var rig = await TrainingRig.StartAsync(TrainerUnderTest.LocalTrainerBackendName);
        var lab = rig.Lab;
        var job = await lab.FineTuneAsync((await lab.BuildDatasetAsync()).Id);
        Assert.Equal("raglab-default-v1", job.ModelName);
        rig.Ollama.RespondAs = Respond;
        var set = await ImportSetAsync(lab);
        var request = new EvalRunRequest(set.Id, [.. Modes.Select(m => m.Name)], ["bm25"], TopK: 4);

        await lab.Get<EvalRunPreflight>().CheckAsync(request, CancellationToken.None);
        var started = await lab.Get<EvalRunScheduler>().StartAsync(request, CancellationToken.None);
        EvalRun? run = null;
        await FineTuningLab.WaitAsync(async () => (run = await lab.Get<IEvalStore>().GetRunAsync(started.Id, CancellationToken.None))!.Status
            is EvalRunStatus.Completed or EvalRunStatus.Failed, "the eval run");

        Assert.True(run!.Status == EvalRunStatus.Completed, run.Error);
        var summary = run.Summary!;
        Assert.Empty(summary.Warnings);
        // One row per mode, side by side in the order asked (a retrieving mode's row is its retriever's), each with its role,
        // every question answered, and its accuracy.
        Assert.Equal(Modes.Select(m => (m.Name, m.Role, m.Retrieves ? "bm25" : null, Facts.Length, Facts.Length, 0, (double?)m.Accuracy)),
            summary.Modes.Select(r => (r.Mode, r.Role, r.Retriever, r.Questions, r.Answered, r.Errors, r.Accuracy)));

        // Each answer came from the model its mode stands for: the base model, or the collection's fine-tuned version.
        var answers = await lab.Get<IEvalStore>().GetAnswersAsync(run.Id, CancellationToken.None);
        foreach (var mode in Modes)
            Assert.All(answers.Where(a => a.Mode == mode.Name), a => Assert.Equal(mode.FineTuned ? job.ModelName : "qwen2.5:1.5b", a.Model));
    }
}
