using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Tests.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

public sealed class BeirImporterTests : IDisposable
{
    private readonly BulkIngestionFixture _lab = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "raglab-beir-" + Guid.NewGuid().ToString("n"), "Tiny BEIR_set");
    private readonly SqlEvalStore _evalStore;
    private readonly BeirImporter _importer;

    public BeirImporterTests()
    {
        _evalStore = new SqlEvalStore(_lab.Database);
        _importer = new BeirImporter(_lab.Service, _evalStore);
        Directory.CreateDirectory(Path.Combine(_folder, "qrels"));
        File.WriteAllText(Path.Combine(_folder, "corpus.jsonl"), string.Join("\n",
            """{"_id": "d1", "title": "Kelp forests", "text": "Kelp grows fast in cold water."}""",
            """{"_id": "d2", "title": "Coral reefs", "text": "Reefs bleach when the sea warms."}""",
            """{"_id": "d3", "title": "", "text": "Plankton feeds whales."}""") + "\n");
        File.WriteAllText(Path.Combine(_folder, "queries.jsonl"), string.Join("\n",
            """{"_id": "q1", "text": "Where does kelp grow?"}""",
            """{"_id": "q2", "text": "Why do reefs bleach?"}""",
            """{"_id": "q3", "text": "A query without judgements"}"""));
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq2\td2\t1\r\nq2\td3\t1\r\n");
    }

    public void Dispose()
    {
        _lab.Dispose();
        Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
    }

    private Task<BeirImportResult> ImportAsync(IProgress<BeirImportProgress>? progress = null) =>
        _importer.ImportAsync(_folder, null, "test", progress, CancellationToken.None);

    [Fact]
    public async Task Imports_the_corpus_as_named_documents_and_the_judged_queries_as_an_eval_set()
    {
        var stages = new List<BeirImportProgress>();
        var result = await ImportAsync(new SynchronousProgress(stages.Add));

        Assert.Equal("tiny-beir_set", result.Collection);
        Assert.Equal(3, result.Documents);
        Assert.Equal(2, result.Queries);
        Assert.Contains(stages, s => s is { Stage: "uploading", Done: 3, Total: 3 });
        Assert.Equal(JobStatus.Succeeded, (await _lab.RunJobAsync(result.JobId!)).Status);

        var documents = await _lab.Documents.ListAsync(result.Collection, CancellationToken.None);
        Assert.Equal(["d1.txt", "d2.txt", "d3.txt"], documents.Select(d => d.Name).Order());
        Assert.All(documents, d => Assert.Equal(DocumentStatus.Ready, d.Status));
        var kelp = DocumentIds.ForDocument(result.Collection, "d1.txt");
        Assert.Equal("Kelp forests\n\nKelp grows fast in cold water.", await _lab.Documents.GetTextAsync(kelp, CancellationToken.None));
        Assert.Equal("d1.txt", (await _lab.Lexical.SearchAsync(result.Collection, "kelp", 1, CancellationToken.None))[0].Chunk.DocumentName);

        var set = (await _evalStore.GetSetAsync(result.EvalSetId, CancellationToken.None))!;
        Assert.Equal((result.Collection, result.Collection, EvalSetSource.Beir, 1), (set.Name, set.Collection, set.Source, set.Version));
        var items = (await _evalStore.GetItemsAsync(result.EvalSetId, CancellationToken.None)).ToDictionary(i => i.Id);
        Assert.Equal(["q1", "q2"], items.Keys.Order());
        Assert.Equal("Where does kelp grow?", items["q1"].Question);
        Assert.Equal([kelp], items["q1"].RelevantDocuments);
        Assert.Equal(new[] { "d2.txt", "d3.txt" }.Select(n => DocumentIds.ForDocument(result.Collection, n)).Order(),
            items["q2"].RelevantDocuments.Order());
    }

    [Fact]
    public async Task Importing_again_leaves_the_documents_alone_and_adds_an_eval_set_version()
    {
        var first = await ImportAsync();
        await _lab.RunJobAsync(first.JobId!);

        var second = await ImportAsync();

        Assert.Null(second.JobId);
        Assert.Equal(3, second.Documents);
        Assert.Single(await _lab.Jobs.ListAsync(IngestBatchJobHandler.JobKind, 10, CancellationToken.None));
        Assert.Equal(2, (await _evalStore.GetSetAsync(second.EvalSetId, CancellationToken.None))!.Version);
        Assert.Equal(3, _lab.Lexical.Count(first.Collection));
    }

    [Fact]
    public async Task A_malformed_corpus_line_names_file_and_line_and_imports_nothing()
    {
        var corpus = Path.Combine(_folder, "corpus.jsonl");
        var lines = File.ReadAllLines(corpus);
        lines[2] = """{"_id": "d3", "title": "Broken", "text": """;
        File.WriteAllLines(corpus, lines);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImportAsync());

        Assert.Contains("corpus.jsonl", error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.Empty(await _lab.Documents.ListAsync(null, CancellationToken.None));
        Assert.Empty(await _lab.Jobs.ListAsync(null, 10, CancellationToken.None));
        await _evalStore.EnsureSchemaAsync(CancellationToken.None);
        Assert.Empty(await _evalStore.ListSetsAsync(null, CancellationToken.None));
        Assert.False(await _lab.Content.ExistsAsync(DocumentIds.ContentHash("Kelp forests\n\nKelp grows fast in cold water."u8), default));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, too late for assertions).</summary>
    private sealed class SynchronousProgress(Action<BeirImportProgress> report) : IProgress<BeirImportProgress>
    {
        public void Report(BeirImportProgress value) => report(value);
    }
}
