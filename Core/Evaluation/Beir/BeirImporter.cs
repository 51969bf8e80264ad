using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Beir;

/// <summary>What an import is doing: <c>reading</c> (queries and qrels), <c>uploading</c> (corpus documents), <c>eval-set</c>.</summary>
public sealed record BeirImportProgress(string Stage, int Done, int Total);

/// <summary>The outcome of an import. Indexing runs as job <see cref="JobId"/> (null when every document was already indexed).</summary>
public sealed record BeirImportResult(string Collection, string EvalSetId, int Documents, int Queries, string? JobId);

/// <summary>
/// Imports a BEIR dataset folder: the corpus becomes documents of a collection (one bulk ingest job), the queries with
/// judgements in a split become an eval set over it. Returns once the documents are accepted; wait on the job for indexing.
/// </summary>
/// <remarks>
/// Each corpus document is named <c>&lt;_id&gt;.txt</c> with text <c>title + "\n\n" + text</c>, and chunked with a budget of
/// <see cref="ChunkTokens"/> tokens so an abstract-sized document stays one chunk: BEIR judges whole documents, and splitting
/// them costs BM25 nDCG (and leaves fewer distinct documents in a top-100 of chunks).
/// </remarks>
public sealed class BeirImporter(IIngestionService ingestion, IEvalStore evalStore, ILogger<BeirImporter>? logger = null)
{
    /// <summary>The chunk budget of imported documents: larger than 99.5% of SciFact's abstracts.</summary>
    public const int ChunkTokens = 1024;

    private const int ProgressEvery = 500;

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// Loads a BEIR folder (corpus.jsonl, queries.jsonl, qrels/&lt;split&gt;.tsv), ingests the corpus into
    /// <paramref name="collection"/> (default: the folder name, normalised to [a-z0-9-_]) as one bulk ingest job, and stores an
    /// eval set (name = collection, source beir) whose items are the queries that have qrels in that split, with
    /// relevantDocuments = the RagLab ids of the judged documents (<see cref="DocumentIds.ForDocument"/>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A BEIR file is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">A malformed line (the message names the file and line); nothing is imported.</exception>
    /// <exception cref="ValidationException">A bad collection name, or no query has judgements in the split.</exception>
    public async Task<BeirImportResult> ImportAsync(string directory, string? collection, string split,
        IProgress<BeirImportProgress>? progress, CancellationToken cancellationToken)
    {
        var dataset = BeirDataset.Open(directory);
        var collectionName = CollectionName.Normalize(string.IsNullOrWhiteSpace(collection) ? CollectionFromFolder(dataset.Directory) : collection);
        split = string.IsNullOrWhiteSpace(split) ? "test" : split.Trim();

        // Queries and judgements first: a problem there must stop the import before any document is accepted.
        progress?.Report(new BeirImportProgress("reading", 0, 2));
        var qrels = await dataset.ReadQrelsAsync(split, cancellationToken);
        var items = new List<EvalItem>();
        await foreach (var query in dataset.ReadQueriesAsync(cancellationToken))
        {
            if (!qrels.TryGetValue(query.Id, out var judged)) continue;
            var relevant = judged.Where(j => j.Value > 0).Select(j => DocumentIdFor(collectionName, j.Key)).ToArray();
            items.Add(new EvalItem(query.Id, query.Text, null, relevant, ["beir", split]));
        }
        if (items.Count == 0)
            throw new ValidationException($"No query in {dataset.QueriesPath} has judgements in {dataset.QrelsPath(split)}; check the split name.");
        progress?.Report(new BeirImportProgress("reading", 2, 2));

        var total = await CountLinesAsync(dataset.CorpusPath, cancellationToken);
        var receipt = await ingestion.SubmitManyAsync(collectionName, ReadCorpusAsync(dataset, total, progress, cancellationToken),
            new BulkIngestionOptions(ChunkTokens), cancellationToken);
        if (receipt.Rejected.Count > 0)
        {
            var first = receipt.Rejected[0];
            _logger.LogWarning("{Count} BEIR documents were refused, e.g. {Name}: {Error}", receipt.Rejected.Count, first.Name, first.Error);
        }

        progress?.Report(new BeirImportProgress("eval-set", 0, 1));
        await evalStore.EnsureSchemaAsync(cancellationToken);
        var set = await evalStore.ImportAsync(new EvalSetDraft(collectionName, collectionName, EvalSetSource.Beir,
            HeldOutFromTraining: !string.Equals(split, "train", StringComparison.OrdinalIgnoreCase), items), cancellationToken);
        progress?.Report(new BeirImportProgress("eval-set", 1, 1));
        _logger.LogInformation("Imported BEIR {Directory} into {Collection}: {Documents} documents ({Queued} to index), eval set {Set} v{Version} with {Queries} queries",
            dataset.Directory, collectionName, receipt.Documents.Count, receipt.Queued, set.Name, set.Version, items.Count);
        return new BeirImportResult(collectionName, set.Id, receipt.Documents.Count, items.Count, receipt.JobId);
    }

    /// <summary>The RagLab name of a BEIR corpus document.</summary>
    public static string DocumentNameFor(string corpusId) => DocumentName.Normalize(corpusId + ".txt");

    /// <summary>The RagLab id of a BEIR corpus document in a collection.</summary>
    public static string DocumentIdFor(string collection, string corpusId) => DocumentIds.ForDocument(collection, DocumentNameFor(corpusId));

    /// <summary>A folder name as a collection name: lower case, other characters as '-', at most 64 characters.</summary>
    public static string CollectionFromFolder(string directory)
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var builder = new StringBuilder(folder.Length);
        foreach (var c in folder.ToLowerInvariant())
            builder.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' ? c : '-');
        var name = builder.ToString().Trim('-');
        if (name.Length > 64) name = name[..64];
        return name.Length == 0 ? "beir" : name;
    }

    private static async IAsyncEnumerable<DocumentUpload> ReadCorpusAsync(BeirDataset dataset, int total, IProgress<BeirImportProgress>? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var done = 0;
        progress?.Report(new BeirImportProgress("uploading", 0, total));
        await foreach (var document in dataset.ReadCorpusAsync(cancellationToken))
        {
            yield return DocumentUpload.FromText(DocumentNameFor(document.Id), document.Title + "\n\n" + document.Text);
            if (++done % ProgressEvery == 0) progress?.Report(new BeirImportProgress("uploading", done, Math.Max(done, total)));
        }
        progress?.Report(new BeirImportProgress("uploading", done, done));
    }

    /// <summary>Lines in the file (for progress), counted on bytes without decoding.</summary>
    private static async Task<int> CountLinesAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        int read, count = 0;
        var last = (byte)'\n';
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == '\n' ? count : count + 1;
    }
}
