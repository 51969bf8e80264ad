using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RagLab.Core.Evaluation.Beir;

/// <summary>
/// A dataset in the BEIR layout: <c>corpus.jsonl</c> (<c>_id</c>, <c>title</c>, <c>text</c>), <c>queries.jsonl</c>
/// (<c>_id</c>, <c>text</c>) and <c>qrels/&lt;split&gt;.tsv</c> (a header line, then query-id, corpus-id, score).
/// Files are streamed line by line. A malformed line raises <see cref="InvalidDataException"/> naming the file and line.
/// </summary>
public sealed partial class BeirDataset
{
    private BeirDataset(string directory) => Directory = directory;

    /// <summary>The dataset folder.</summary>
    public string Directory { get; }

    public string CorpusPath => Path.Combine(Directory, "corpus.jsonl");

    public string QueriesPath => Path.Combine(Directory, "queries.jsonl");

    public string QrelsPath(string split) => Path.Combine(Directory, "qrels", split + ".tsv");

    /// <summary>Opens a BEIR folder, checking that the corpus and queries are there.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">corpus.jsonl or queries.jsonl is missing.</exception>
    public static BeirDataset Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new DirectoryNotFoundException($"BEIR dataset folder '{full}' does not exist.");
        var dataset = new BeirDataset(full);
        foreach (var path in new[] { dataset.CorpusPath, dataset.QueriesPath })
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"'{full}' is not a BEIR dataset folder: {Path.GetFileName(path)} is missing (expected corpus.jsonl, queries.jsonl and qrels/<split>.tsv).", path);
        }
        return dataset;
    }

    /// <summary>The corpus documents, in file order. A missing title or text reads as empty.</summary>
    public async IAsyncEnumerable<BeirDocument> ReadCorpusAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (root, _) in ReadJsonLinesAsync(CorpusPath, cancellationToken).ConfigureAwait(false))
        {
            using (root)
            {
                var element = root.RootElement;
                yield return new BeirDocument(ReadId(element), ReadString(element, "title"), ReadString(element, "text"));
            }
        }
    }

    /// <summary>The queries, in file order.</summary>
    public async IAsyncEnumerable<BeirQuery> ReadQueriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (root, _) in ReadJsonLinesAsync(QueriesPath, cancellationToken).ConfigureAwait(false))
        {
            using (root)
            {
                var element = root.RootElement;
                yield return new BeirQuery(ReadId(element), ReadString(element, "text"));
            }
        }
    }

    /// <summary>Relevance judgements of a split: query id → (corpus id → grade). A repeated pair keeps the last grade.</summary>
    /// <exception cref="FileNotFoundException">There is no qrels file for the split.</exception>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>> ReadQrelsAsync(string split, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(split) || !SplitName().IsMatch(split))
            throw new ArgumentException($"Split '{split}' is not a plain name such as 'test', 'dev' or 'train'.", nameof(split));
        var path = QrelsPath(split);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No qrels for split '{split}': {path} is missing.", path);

        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split('\t');
            if (lineNumber == 1 && (fields.Length < 3 || !int.TryParse(fields[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
                continue; // the header, e.g. "query-id	corpus-id	score"
            if (fields.Length != 3)
                throw Malformed(path, lineNumber, $"expected 3 tab-separated fields (query-id, corpus-id, score), found {fields.Length}");
            var queryId = fields[0].Trim();
            var corpusId = fields[1].Trim();
            if (queryId.Length == 0 || corpusId.Length == 0)
                throw Malformed(path, lineNumber, "query-id and corpus-id must not be empty");
            if (!int.TryParse(fields[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var score))
                throw Malformed(path, lineNumber, $"score '{fields[2].Trim()}' is not an integer");
            if (!qrels.TryGetValue(queryId, out var judged))
                qrels[queryId] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            judged[corpusId] = score;
        }
        return qrels.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal);
    }

    private static async IAsyncEnumerable<(JsonDocument Root, int LineNumber)> ReadJsonLinesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw Malformed(path, lineNumber, "not valid JSON: " + ex.Message, ex);
            }
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Malformed(path, lineNumber, "expected a JSON object");
            }
            if (!document.RootElement.TryGetProperty("_id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number) || id.ToString().Length == 0)
            {
                document.Dispose();
                throw Malformed(path, lineNumber, "missing \"_id\" (a non-empty string)");
            }
            foreach (var field in new[] { "title", "text" })
            {
                if (document.RootElement.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    document.Dispose();
                    throw Malformed(path, lineNumber, $"\"{field}\" must be a string");
                }
            }
            yield return (document, lineNumber);
        }
    }

    private static string ReadId(JsonElement element) => element.GetProperty("_id").ToString();

    private static string ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static InvalidDataException Malformed(string path, int lineNumber, string problem, Exception? inner = null) =>
        new($"{path}, line {lineNumber}: {problem}.", inner);

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex SplitName();
}
