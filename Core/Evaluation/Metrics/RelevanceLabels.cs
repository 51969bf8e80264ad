namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// The documents labelled relevant for a question. A label may be a document id or a document name
/// (names compare case-insensitively, so "Guide.md" matches "guide.md"), so hand-written sets can use file names.
/// </summary>
public sealed class RelevanceLabels(IEnumerable<string> labels)
{
    private readonly HashSet<string> _labels = labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public bool IsEmpty => _labels.Count == 0;

    public int Count => _labels.Count;

    public bool Matches(string documentId, string? documentName) =>
        _labels.Contains(documentId) || (documentName is not null && _labels.Contains(documentName));

    /// <summary>The label a document satisfies (its id or name), or null when it is not relevant.</summary>
    public string? LabelFor(string documentId, string? documentName) =>
        _labels.TryGetValue(documentId, out var byId) ? byId
        : documentName is not null && _labels.TryGetValue(documentName, out var byName) ? byName
        : null;

    public IReadOnlySet<string> Labels => _labels;
}
