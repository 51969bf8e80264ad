using System.Text.Json;

namespace RagLab.Core.Kernel;

/// <summary>
/// How a <see cref="ReaderScope"/> is written down where it must be read back or must never collide: in stored records
/// (an eval run's view) and in answer-cache keys.
/// </summary>
public static class ReaderScopeKeys
{
    /// <summary>
    /// A key no two different views share, for answer-cache keys: <c>*</c> for everything, else the sorted groups as a JSON
    /// array. (<see cref="ReaderScope.Key"/> joins groups with commas, so the groups <c>a</c> and <c>b</c> and the one group
    /// <c>a,b</c> a token may carry would share it.)
    /// </summary>
    public static string CacheKey(this ReaderScope scope) =>
        scope.Groups is null ? "*" : JsonSerializer.Serialize(scope.Groups.Order(StringComparer.Ordinal).ToArray());

    /// <summary>The scope's groups for storage, sorted; null for everything.</summary>
    public static IReadOnlyList<string>? ToGroupList(this ReaderScope scope) =>
        scope.Groups is null ? null : [.. scope.Groups.Order(StringComparer.Ordinal)];

    /// <summary>The scope stored by <see cref="ToGroupList"/>: null is everything, a list (even empty) those groups.</summary>
    public static ReaderScope FromGroupList(IReadOnlyList<string>? groups) =>
        groups is null ? ReaderScope.Everything : ReaderScope.OfGroups(groups);

    /// <summary>
    /// Whether everything <paramref name="other"/> sees, <paramref name="scope"/> sees too: it is everything, or
    /// <paramref name="other"/> is a set of groups all of which <paramref name="scope"/> has. A caller may read what was
    /// built from a view it covers (an eval run's results) and nothing else.
    /// </summary>
    public static bool Covers(this ReaderScope scope, ReaderScope other) =>
        scope.Groups is null || (other.Groups is not null && other.Groups.All(scope.Groups.Contains));
}
