namespace RagLab.Core.Kernel;

/// <summary>What the model server says about one chat model.</summary>
/// <param name="Model">The model's name on the server.</param>
/// <param name="ContextLength">The model's own context window in tokens (not capped by RagLab's settings), or null when not reported.</param>
/// <param name="Capabilities">What the server says the model can do (Ollama: <c>completion</c>, <c>tools</c>, <c>vision</c>…), or null when not reported.</param>
public sealed record ChatModelInfo(string Model, int? ContextLength, IReadOnlyList<string>? Capabilities)
{
    /// <summary>The capability name a model needs to be given tools.</summary>
    public const string ToolsCapability = "tools";

    /// <summary>True or false when the server reports capabilities; null when it does not say.</summary>
    public bool? SupportsTools => Capabilities?.Contains(ToolsCapability, StringComparer.OrdinalIgnoreCase);
}
