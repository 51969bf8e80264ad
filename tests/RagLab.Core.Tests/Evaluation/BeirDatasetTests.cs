using RagLab.Core.Evaluation.Beir;

namespace RagLab.Core.Tests.Evaluation;

public sealed class BeirDatasetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "raglab-beir-" + Guid.NewGuid().ToString("N"));

    public BeirDatasetTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "qrels"));
        File.WriteAllText(Path.Combine(_folder, "corpus.jsonl"),
            "{\"_id\": \"d1\", \"title\": \"Cats\", \"text\": \"Cats purr.\"}\n" +
            "\n" +
            "{\"_id\": \"d2\", \"text\": \"No title here \\u00e9\"}\n");
        File.WriteAllText(Path.Combine(_folder, "queries.jsonl"),
            "{\"_id\": \"q1\", \"text\": \"why do cats purr?\"}\r\n{\"_id\": \"q2\", \"text\": \"titles\"}\r\n");
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"),
            "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq1\td2\t2\r\nq2\td2\t0\r\n");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Reads_corpus_queries_and_qrels_with_header_and_crlf()
    {
        var dataset = BeirDataset.Open(_folder);

        var corpus = await dataset.ReadCorpusAsync().ToListAsync();
        var queries = await dataset.ReadQueriesAsync().ToListAsync();
        var qrels = await dataset.ReadQrelsAsync("test");

        Assert.Equal([new BeirDocument("d1", "Cats", "Cats purr."), new BeirDocument("d2", "", "No title here é")], corpus);
        Assert.Equal([new BeirQuery("q1", "why do cats purr?"), new BeirQuery("q2", "titles")], queries);
        Assert.Equal(2, qrels.Count);
        Assert.Equal(1, qrels["q1"]["d1"]);
        Assert.Equal(2, qrels["q1"]["d2"]);
        Assert.Equal(0, qrels["q2"]["d2"]);
    }

    [Fact]
    public async Task A_malformed_corpus_line_is_reported_with_file_and_line_number()
    {
        File.AppendAllText(Path.Combine(_folder, "corpus.jsonl"), "{\"_id\": \"d3\", \"text\": oops}\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await BeirDataset.Open(_folder).ReadCorpusAsync().ToListAsync());

        Assert.Contains("corpus.jsonl, line 4", error.Message);
    }

    [Fact]
    public async Task A_query_without_an_id_is_reported_with_file_and_line_number()
    {
        File.WriteAllText(Path.Combine(_folder, "queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"a\"}\n{\"text\": \"no id\"}\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await BeirDataset.Open(_folder).ReadQueriesAsync().ToListAsync());

        Assert.Contains("queries.jsonl, line 2", error.Message);
        Assert.Contains("_id", error.Message);
    }

    [Fact]
    public async Task A_bad_qrels_score_is_reported_with_file_and_line_number()
    {
        File.WriteAllText(Path.Combine(_folder, "qrels", "dev.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\thigh\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => BeirDataset.Open(_folder).ReadQrelsAsync("dev"));

        Assert.Contains("dev.tsv, line 3", error.Message);
        Assert.Contains("'high'", error.Message);
    }

    [Fact]
    public async Task Missing_files_and_folders_are_named()
    {
        var missingFolder = Assert.Throws<DirectoryNotFoundException>(() => BeirDataset.Open(Path.Combine(_folder, "nope")));
        var missingSplit = await Assert.ThrowsAsync<FileNotFoundException>(() => BeirDataset.Open(_folder).ReadQrelsAsync("train"));
        File.Delete(Path.Combine(_folder, "queries.jsonl"));
        var missingQueries = Assert.Throws<FileNotFoundException>(() => BeirDataset.Open(_folder));

        Assert.Contains("nope", missingFolder.Message);
        Assert.Contains("train", missingSplit.Message);
        Assert.Contains("queries.jsonl", missingQueries.Message);
    }
}
