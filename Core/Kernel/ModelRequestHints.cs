namespace RagLab.Core.Kernel;

/// <summary>
/// Keys a caller puts in <c>ChatOptions.AdditionalProperties</c> to ask the model adapter for something no provider-neutral option
/// says. Each adapter translates what its server supports (Ollama: <c>num_ctx</c> and <c>keep_alive</c>) and ignores the rest,
/// so the domain never names a server's own parameters.
/// </summary>
public static class ModelRequestHints
{
    /// <summary>An <see cref="int"/>: the context window, in tokens, to run this request with (it replaces the adapter's default window).</summary>
    public const string ContextWindowTokens = "raglab.context_window_tokens";

    /// <summary>A <see cref="TimeSpan"/>: how long the server should keep the model loaded after the request, so its prompt cache survives.</summary>
    public const string KeepLoaded = "raglab.keep_loaded";

    /// <summary>A <see cref="string"/>: names the fixed prefix the request's prompt starts with, so what the server has cached can be tracked. Not sent.</summary>
    public const string PromptPrefix = "raglab.prompt_prefix";
}
