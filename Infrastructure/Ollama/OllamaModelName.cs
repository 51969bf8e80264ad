namespace RagLab.Infrastructure.Ollama;

internal static class OllamaModelName
{
    /// <summary>Ollama defaults a missing tag to <c>latest</c> (api.md, "Model names").</summary>
    public static string Normalize(string name)
    {
        var trimmed = name.Trim();
        var lastSegment = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return lastSegment.Contains(':') ? trimmed : trimmed + ":latest";
    }

    public static bool SameModel(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);
}
