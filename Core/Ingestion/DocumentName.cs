using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion;

/// <summary>A document's display name: the file name without any directory part. It is never used as a path.</summary>
public static class DocumentName
{
    public const int MaxLength = 255;

    /// <exception cref="ValidationException">Empty, too long, or made only of path characters.</exception>
    public static string Normalize(string? name)
    {
        var fileName = Path.GetFileName((name ?? string.Empty).Replace('\\', '/')).Trim();
        if (fileName.Length == 0 || fileName is "." or "..")
            throw new ValidationException("Every document needs a name, e.g. 'handbook.md'.");
        if (fileName.Length > MaxLength)
            throw new ValidationException($"Document name '{fileName[..40]}…' is longer than {MaxLength} characters.");
        if (fileName.Any(char.IsControl))
            throw new ValidationException($"Document name '{fileName}' contains control characters.");
        return fileName;
    }
}
