using System.Text;
using RagLab.Core;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Ingestion;
using RagLab.Core.Storage;

namespace RagLab.Cli.Backends;

/// <summary>
/// Imports a BEIR folder in-process, following the BeirImporter contract: each corpus document becomes
/// <c>&lt;_id&gt;.txt</c> (title, blank line, text) in the collection, and the queries judged in the split become an eval set
/// (name = collection, source beir) whose relevant documents are the RagLab ids of the judged corpus documents.
/// Each document is queued as its own ingest job; the caller follows them through the collection's document statuses.
/// </summary>
public sealed class BeirFolderImport(IIngestionService ingestion, IEvalStore store)
{
    public async Task<BeirImportView> ImportAsync(string directory, string? collection, string split, CancellationToken cancellationToken)
    {
        BeirDataset dataset;
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels;
        try
        {
            dataset = BeirDataset.Open(directory);
            qrels = await dataset.ReadQrelsAsync(split, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException)
        {
            throw new ValidationException(ex.Message);
        }
        var target = CollectionName.Normalize(string.IsNullOrWhiteSpace(collection) ? BeirCollectionName.FromFolder(directory) : collection);

        // Queries first: a folder whose queries do not match its qrels fails before anything is ingested.
        var items = new List<EvalItem>();
        await foreach (var query in ReadAsync(dataset.ReadQueriesAsync(cancellationToken)))
        {
            if (!qrels.TryGetValue(query.Id, out var judged)) continue;
            var relevant = judged.Where(j => j.Value > 0).Select(j => DocumentIds.ForDocument(target, DocumentNameOf(j.Key))).ToArray();
            if (relevant.Length == 0) continue;
            items.Add(new EvalItem(query.Id, query.Text, null, relevant, ["beir"]));
        }
        if (items.Count == 0)
            throw new ValidationException($"No query in {dataset.QueriesPath} has a positive judgement in qrels/{split}.tsv; check the split name.");

        var documents = 0;
        await foreach (var document in ReadAsync(dataset.ReadCorpusAsync(cancellationToken)))
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(document.Title + "\n\n" + document.Text));
            await ingestion.SubmitAsync(target, DocumentNameOf(document.Id), content, cancellationToken);
            documents++;
        }

        var set = await store.ImportAsync(new EvalSetDraft(target, target, EvalSetSource.Beir, HeldOutFromTraining: true, items), cancellationToken);
        return new BeirImportView(target, set.Id, documents, items.Count, JobId: null);
    }

    private static string DocumentNameOf(string corpusId) => corpusId + ".txt";

    /// <summary>Malformed lines surface as <see cref="InvalidDataException"/>; for a user that is bad input.</summary>
    private static async IAsyncEnumerable<T> ReadAsync<T>(IAsyncEnumerable<T> source)
    {
        await using var enumerator = source.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync()) yield break;
            }
            catch (InvalidDataException ex)
            {
                throw new ValidationException(ex.Message);
            }
            yield return enumerator.Current;
        }
    }
}
