using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Kernel;
using RagLab.Core.Tests.Evaluation.Fakes;

namespace RagLab.Core.Tests.Evaluation;

/// <summary>An eval set cut to one reader's view: no label or question built from a document they may not read is measured.</summary>
public class EvalReaderViewTests
{
    private static async Task<FakeDocumentStore> StoreAsync()
    {
        var store = new FakeDocumentStore();
        foreach (var (name, groups) in new (string, IReadOnlyList<string>?)[] { ("handbook.md", null), ("salaries.md", ["hr"]), ("budget.md", ["finance"]) })
            await store.SaveAsync(new DocumentRecord(DocumentIds.ForDocument("docs", name), "docs", name, DocumentStatus.Ready, 1, 10, "h", DateTimeOffset.UtcNow, Groups: groups), CancellationToken.None);
        return store;
    }

    private static readonly EvalItem[] Items =
    [
        new("q1", "What is the leave policy?", "20 days", ["Handbook.md"], []),
        new("q2", "What does a manager earn?", "a lot", ["salaries.md"], []),
        new("q3", "Who approves spending?", "the board", ["budget.md", "handbook.md"], []),
        new("q4", "Is there a gym?", null, [], [], Unanswerable: true),
        new("q5", "Where is the archive?", "gone", ["archive.md"], []),
    ];

    [Fact]
    public async Task Labels_outside_the_view_are_dropped_and_questions_left_without_any_are_not_asked()
    {
        var view = await EvalReaderView.CreateAsync(await StoreAsync(), "docs", ReaderScope.OfGroups(["finance"]), Items, CancellationToken.None);

        Assert.Equal(["q1", "q3", "q4", "q5"], view.Items.Select(i => i.Id));
        Assert.Equal(["budget.md", "handbook.md"], view.Items.Single(i => i.Id == "q3").RelevantDocuments);
        Assert.Equal(1, view.DroppedLabels);
        Assert.Equal(1, view.SkippedQuestions);
        Assert.Contains("[finance]", view.Note());

        var hr = await EvalReaderView.CreateAsync(await StoreAsync(), "docs", ReaderScope.OfGroups(["hr"]), Items, CancellationToken.None);
        Assert.Equal(["q1", "q2", "q3", "q4", "q5"], hr.Items.Select(i => i.Id));
        Assert.Equal(["handbook.md"], hr.Items.Single(i => i.Id == "q3").RelevantDocuments);
        Assert.Equal((1, 0), (hr.DroppedLabels, hr.SkippedQuestions));
    }

    [Fact]
    public async Task Everything_sees_the_set_as_it_is()
    {
        var view = await EvalReaderView.CreateAsync(await StoreAsync(), "docs", ReaderScope.Everything, Items, CancellationToken.None);

        Assert.Same(Items, view.Items);
        Assert.Null(view.Note());
    }
}
