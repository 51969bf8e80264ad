using System.Text;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Ingestion;
using RagLab.Core.Storage;

namespace RagLab.Core.Evaluation.Beir;

/// <summary>How far an import is: <paramref name="Stage"/> is "queries" (read) or "corpus" (documents submitted).</summary>
public sealed record BeirImportProgress(string Stage, int Done, int Total);

/// <param name="JobId">The ingest job to wait for, or null when each document was queued as its own job.</param>
public sealed record BeirImportResult(string Collection, string EvalSetId, int Documents, int Queries, string? JobId);

/// <summary>
/// Loads a BEIR folder (corpus.jsonl, queries.jsonl, qrels/&lt;split&gt;.tsv), ingests the corpus into a collection and
/// stores an eval set (name = collection, source beir) of the queries that have relevance judgements in the split.
/// Each corpus document is named "&lt;_id&gt;.txt" with text "title\n\ntext", so its RagLab id is
/// <see cref="DocumentIds.ForDocument"/>(collection, "&lt;_id&gt;.txt"), which is what the items' relevantDocuments hold.
/// </summary>
/// <remarks>This version submits every document through <see cref="IIngestionService"/> (one ingest job each).</remarks>
public sealed class BeirImporter(IIngestionService ingestion, IEvalStore store)
{
    /// <param name="collection">Null: the folder name, lower-cased with other characters replaced by '-'.</param>
    /// <exception cref="ValidationException">A bad collection name, or no query has judgements in the split.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">corpus.jsonl, queries.jsonl or the split's qrels file is missing.</exception>
    /// <exception cref="InvalidDataException">A malformed line (the message names the file and line).</exception>
    public async Task<BeirImportResult> ImportAsync(string directory, string? collection, string split, IProgress<BeirImportProgress>? progress, CancellationToken cancellationToken)
    {
        var dataset = BeirDataset.Open(directory);
        var name = CollectionName.Normalize(string.IsNullOrWhiteSpace(collection) ? FromFolderName(dataset.Directory) : collection.Trim());
        // Read the judgements and queries first: a bad file fails the import before anything is ingested.
        var qrels = await dataset.ReadQrelsAsync(split, cancellationToken);
        var items = new List<EvalItem>();
        await foreach (var query in dataset.ReadQueriesAsync(cancellationToken))
        {
            if (!qrels.TryGetValue(query.Id, out var judged)) continue;
            var relevant = judged.Where(j => j.Value > 0).Select(j => DocumentIds.ForDocument(name, DocumentNameFor(j.Key))).ToArray();
            if (relevant.Length == 0) continue;
            items.Add(new EvalItem(query.Id, query.Text, null, relevant, ["beir", split]));
        }
        if (items.Count == 0)
            throw new ValidationException($"No query in queries.jsonl has a relevance judgement (score > 0) in qrels/{split}.tsv; check the split name.");
        progress?.Report(new BeirImportProgress("queries", items.Count, items.Count));
        var total = 0;
        await foreach (var _ in dataset.ReadCorpusAsync(cancellationToken)) total++; // a malformed line fails here, before any ingestion

        var documents = 0;
        await foreach (var document in dataset.ReadCorpusAsync(cancellationToken))
        {
            var text = string.IsNullOrEmpty(document.Title) ? document.Text : document.Title + "\n\n" + document.Text;
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
            await ingestion.SubmitAsync(name, DocumentNameFor(document.Id), content, cancellationToken);
            documents++;
            progress?.Report(new BeirImportProgress("corpus", documents, total));
        }

        var set = await store.ImportAsync(new EvalSetDraft(name, name, EvalSetSource.Beir, HeldOutFromTraining: true, items), cancellationToken);
        return new BeirImportResult(name, set.Id, documents, items.Count, null);
    }

    /// <summary>The RagLab document name of a corpus document.</summary>
    public static string DocumentNameFor(string corpusId) => corpusId + ".txt";

    private static string FromFolderName(string directory)
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)).ToLowerInvariant();
        var name = new string(folder.Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' ? c : '-').ToArray()).Trim('-');
        return name.Length == 0 ? "beir" : name[..Math.Min(name.Length, 64)];
    }
}
