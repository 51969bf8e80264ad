namespace RagLab.Core.Kernel;

/// <summary>
/// The groups that may read a document, in one canonical form: trimmed, distinct, sorted ordinally, and null when there are
/// none (everyone with access to the collection may read it). Group names compare ordinally, as <see cref="ReaderScope"/> does.
/// </summary>
public static class DocumentGroups
{
    /// <summary>The most groups one document (or a collection's default) may name.</summary>
    public const int MaxGroups = 64;

    /// <summary>The longest group name, in characters.</summary>
    public const int MaxNameLength = 200;

    /// <summary>
    /// The canonical form of <paramref name="groups"/>: blank entries are ignored, so an empty list means "readable by everyone"
    /// and comes back null.
    /// </summary>
    /// <exception cref="ValidationException">A name too long, with a comma or a control character, or too many groups.</exception>
    public static IReadOnlyList<string>? Normalize(IEnumerable<string?>? groups)
    {
        if (groups is null) return null;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in groups)
        {
            var name = raw?.Trim();
            if (string.IsNullOrEmpty(name)) continue;
            if (name.Length > MaxNameLength)
                throw new ValidationException($"The group name '{name[..40]}…' is {name.Length} characters long; the limit is {MaxNameLength}.");
            // A comma separates groups in a form field and in a scope's key, so it cannot be part of a name.
            if (name.Contains(',') || name.Any(char.IsControl))
                throw new ValidationException($"The group name '{name}' contains a comma or a control character; name each group on its own, e.g. [\"hr\", \"finance\"].");
            names.Add(name);
        }
        if (names.Count > MaxGroups)
            throw new ValidationException($"{names.Count} groups were given; a document may name at most {MaxGroups}.");
        return names.Count == 0 ? null : [.. names];
    }

    /// <summary>Groups given as form fields: each value one group or several separated by commas (<c>groups=hr,finance</c>).</summary>
    /// <exception cref="ValidationException">As <see cref="Normalize"/>.</exception>
    public static IReadOnlyList<string>? ParseFormValues(IEnumerable<string?> values) =>
        Normalize(values.SelectMany(v => (v ?? "").Split(',')));

    /// <summary>Whether two canonical group lists are the same (null and empty alike: readable by everyone).</summary>
    public static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
