using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// An eval set as one reader sees it, so no metric of their run is built from a document they may not read. A relevance label
/// that names only documents outside the view is dropped from the question's labels (it could never be retrieved, and counting it
/// would measure the access rule, not the retriever); a question whose every label was dropped is not asked at all (its reference
/// answer comes from documents the reader may not read). Questions without labels are kept as they are. Labels naming no document
/// at all are kept, as in a run over everything.
/// </summary>
/// <param name="Items">The questions the run asks, with their labels cut to the view.</param>
/// <param name="DroppedLabels">Labels dropped because they name documents outside the view.</param>
/// <param name="SkippedQuestions">Questions left out because all their relevant documents are outside the view.</param>
public sealed record EvalReaderView(ReaderScope Scope, IReadOnlyList<EvalItem> Items, int DroppedLabels, int SkippedQuestions)
{
    /// <summary>The view of <paramref name="scope"/> on <paramref name="items"/>, judged against the documents of <paramref name="collection"/>.</summary>
    public static async Task<EvalReaderView> CreateAsync(IDocumentStore documents, string collection, ReaderScope scope, IReadOnlyList<EvalItem> items,
        CancellationToken cancellationToken)
    {
        if (scope.IsEverything) return new EvalReaderView(scope, items, 0, 0);
        // Labels are document ids or names, compared case-insensitively (RelevanceLabels).
        var readable = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var hidden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var document in await documents.ListAsync(collection, cancellationToken))
        {
            var names = scope.CanRead(document.Groups) ? readable : hidden;
            names.Add(document.Id);
            names.Add(document.Name);
        }

        var kept = new List<EvalItem>(items.Count);
        var dropped = 0;
        var skipped = 0;
        foreach (var item in items)
        {
            var labels = item.RelevantDocuments.Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
            var visible = labels.Where(l => !hidden.Contains(l.Trim()) || readable.Contains(l.Trim())).ToArray();
            dropped += labels.Length - visible.Length;
            if (labels.Length > 0 && visible.Length == 0)
            {
                skipped++;
                continue;
            }
            kept.Add(visible.Length == labels.Length ? item : item with { RelevantDocuments = visible });
        }
        return new EvalReaderView(scope, kept, dropped, skipped);
    }

    /// <summary>What a report says about the view, or null when it is everything or cut nothing.</summary>
    public string? Note() => DroppedLabels + SkippedQuestions == 0 ? null
        : $"This run measured the view of the groups [{Scope.Key}]: {DroppedLabels} relevance label(s) naming documents outside it were dropped, " +
          $"and {SkippedQuestions} question(s) whose relevant documents all lie outside it were not asked.";
}
