namespace RagLab.Cli.Tests;

/// <summary>ingest → search → ask → docs, in-process on a temporary data directory.</summary>
public sealed class DocumentCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly CliHarness _cli;

    public DocumentCommandsTests() => _cli = new CliHarness(_temp.Combine("data"));

    public void Dispose() => _temp.Dispose();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Ingesting_a_folder_indexes_its_supported_files_recursively()
    {
        var folder = SampleFiles.WriteDocuments(_temp);

        var ingest = await _cli.RunOkAsync("ingest", folder, "--collection", "shop");

        Assert.Contains(Lines(ingest.Output), l => l.Contains("refunds.md") && l.Contains("ready"));
        Assert.Contains(Lines(ingest.Output), l => l.Contains("shipping.txt") && l.Contains("ready"));
        Assert.DoesNotContain("logo.bin", ingest.Output);
        Assert.DoesNotContain(".notes.md", ingest.Output);
        Assert.Contains("2 ready, 0 failed", ingest.Output);
        Assert.Contains("Indexing 2 files: done", ingest.Error);

        var list = await _cli.RunOkAsync("docs", "list", "-c", "shop");
        Assert.Contains(Lines(list.Output), l => l.Contains("refunds.md") && l.Contains("ready"));
        Assert.Contains(Lines(list.Output), l => l.Contains("shipping.txt") && l.Contains("ready"));

        // The same files again are unchanged: nothing is re-indexed.
        var again = await _cli.RunOkAsync("ingest", folder, "--collection", "shop");
        Assert.Contains("already indexed", again.Output);
    }

    [Fact]
    public async Task A_refused_file_fails_alone_and_a_repeated_name_is_skipped()
    {
        var folder = SampleFiles.WriteDocuments(_temp);
        var copy = _temp.Combine("other", "refunds.md");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllText(copy, "A different refunds page.");

        var ingest = await _cli.RunAsync("ingest", Path.Combine(folder, "logo.bin"), folder, copy);

        Assert.Equal(1, ingest.ExitCode);
        var refused = ingest.Rows.Single(r => r[0].EndsWith("logo.bin"));
        Assert.Equal("failed", refused[1]);
        Assert.Contains("unsupported file type", refused[4]);
        Assert.Equal("skipped", ingest.Rows.Single(r => r[0] == copy)[1]);
        Assert.Contains("2 ready, 1 failed, 1 skipped", ingest.Output);
        Assert.StartsWith("error: 1 of 3 files could not be indexed", ingest.Error.Split('\n').Single(l => l.StartsWith("error:")));
    }

    [Fact]
    public async Task Search_ranks_the_matching_document_first()
    {
        await _cli.RunOkAsync("ingest", SampleFiles.WriteDocuments(_temp));

        var search = await _cli.RunOkAsync("search", "which carrier delivers parcels", "--retriever", "bm25", "--top-k", "2");

        Assert.Equal("shipping.txt", search.Row("1")[2]);
        Assert.Contains("with bm25", search.Output);
    }

    [Fact]
    public async Task Ask_without_a_model_gives_an_extractive_answer_citing_the_right_file()
    {
        await _cli.RunOkAsync("ingest", SampleFiles.WriteDocuments(_temp));

        var ask = await _cli.RunOkAsync("ask", "How many days do I have to ask for a refund?");

        Assert.Contains("30 days", Lines(ask.Output)[0]);
        var citationsAt = Array.FindIndex(Lines(ask.Output), l => l.Contains("Citations"));
        Assert.True(citationsAt > 0, ask.ToString());
        Assert.Contains(Lines(ask.Output).Skip(citationsAt), l => l.Contains("refunds.md"));
        Assert.Contains("extractive", ask.Output);
        Assert.Contains("Tokens", ask.Output);
        Assert.Contains("Cached", ask.Output);
    }

    [Fact]
    public async Task Streaming_ask_prints_the_answer_and_its_citation()
    {
        await _cli.RunOkAsync("ingest", SampleFiles.WriteDocuments(_temp));

        var ask = await _cli.RunOkAsync("ask", "Which carrier delivers the parcels?", "--stream", "--no-cache");

        Assert.Contains("DHL", Lines(ask.Output)[0]);
        Assert.Contains(Lines(ask.Output), l => l.Contains("shipping.txt"));
    }

    [Fact]
    public async Task Deleting_a_document_removes_it_from_search()
    {
        await _cli.RunOkAsync("ingest", SampleFiles.WriteDocuments(_temp));
        var list = await _cli.RunOkAsync("docs", "list");
        var id = list.Rows.First(r => r.Contains("shipping.txt"))[0];

        var delete = await _cli.RunOkAsync("docs", "delete", id);

        Assert.Contains($"Deleted {id}", delete.Output);
        var search = await _cli.RunOkAsync("search", "carrier parcels DHL", "--retriever", "bm25");
        Assert.DoesNotContain("shipping.txt", search.Output);
    }

    [Fact]
    public async Task Status_shows_the_embedded_dependencies_and_the_data_directory()
    {
        var status = await _cli.RunOkAsync("status");

        Assert.Contains("sqlite", status.Output);
        Assert.Contains("lexical index", status.Output);
        Assert.Contains(Path.GetFullPath(_cli.DataDirectory), status.Output);
        Assert.Contains("not answering", status.Output);
    }
}
