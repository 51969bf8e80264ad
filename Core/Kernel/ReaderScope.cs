namespace RagLab.Core.Kernel;

/// <summary>
/// Whose view of the documents a request sees: the groups the caller belongs to. Retrieval filters by it before
/// ranking, so a document outside the scope is never scored, cited, cached for another caller or counted in a metric.
/// </summary>
/// <param name="Groups">The caller's groups; <c>null</c> means every document (local mode, or an admin).</param>
public sealed record ReaderScope(IReadOnlySet<string>? Groups)
{
    /// <summary>Every document: the local lab, where the only user owns everything, and administrators.</summary>
    public static ReaderScope Everything { get; } = new((IReadOnlySet<string>?)null);

    /// <summary>A scope limited to the given groups (compared ordinally, as stored).</summary>
    public static ReaderScope OfGroups(IEnumerable<string> groups) =>
        new(new HashSet<string>(groups, StringComparer.Ordinal));

    /// <summary>Whether this scope sees every document.</summary>
    public bool IsEverything => Groups is null;

    /// <summary>
    /// Whether a document readable by <paramref name="documentGroups"/> is visible. A document with no groups is
    /// readable by everyone with access to its collection.
    /// </summary>
    public bool CanRead(IReadOnlyList<string>? documentGroups) =>
        Groups is null || documentGroups is null || documentGroups.Count == 0 || documentGroups.Any(Groups.Contains);

    /// <summary>A stable string naming this view, for cache keys and evaluation records (<c>*</c> for everything).</summary>
    public string Key => Groups is null ? "*" : string.Join(',', Groups.Order(StringComparer.Ordinal));
}
