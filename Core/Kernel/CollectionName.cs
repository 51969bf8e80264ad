using System.Text.RegularExpressions;

namespace RagLab.Core.Kernel;

/// <summary>Collection names are <c>[a-z0-9-_]{1,64}</c> so they are safe as keys, file names and Qdrant collection names.</summary>
public static partial class CollectionName
{
    public const string Default = "default";

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Returns the name, or <see cref="Default"/> for null/empty.</summary>
    /// <exception cref="ValidationException">The name is not <c>[a-z0-9-_]{1,64}</c>.</exception>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name)) return Default;
        if (!IsValid(name))
            throw new ValidationException($"Collection name '{name}' is invalid: use 1 to 64 characters from a-z, 0-9, '-' and '_' (for example 'product-docs').");
        return name;
    }
}
