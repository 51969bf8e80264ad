namespace RagLab.Benchmarks;

/// <summary>
/// The embedded lab as the in-process benchmarks run it: its own data directory and no model server (Ollama pointed at a
/// closed port), so answers are extractive and measure RagLab, not a model. One source for the generic host (<c>pipeline</c>)
/// and the real Api on Kestrel (<c>load</c>).
/// </summary>
internal static class EmbeddedLabSettings
{
    /// <summary>Nothing listens on port 9 (discard): every model call is refused at once.</summary>
    public const string NoModelServer = "http://127.0.0.1:9";

    /// <param name="embeddingModel"><c>off</c> (the default: the in-process model has its own benchmark, <c>embedded</c>) or a bundled model key.</param>
    public static Dictionary<string, string?> For(string dataDirectory, string embeddingModel = "off") => new()
    {
        ["RagLab:DataDirectory"] = dataDirectory,
        ["RagLab:Ollama:Endpoint"] = NoModelServer,
        ["RagLab:Embeddings:Model"] = embeddingModel,
    };
}
