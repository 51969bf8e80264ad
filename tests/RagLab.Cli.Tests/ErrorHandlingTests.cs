namespace RagLab.Cli.Tests;

/// <summary>Bad input ends with a non-zero exit code and one clear line saying what is wrong, never a stack trace.</summary>
public sealed class ErrorHandlingTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly CliHarness _cli;

    public ErrorHandlingTests() => _cli = new CliHarness(_temp.Combine("data"));

    public void Dispose() => _temp.Dispose();

    private static void AssertOneErrorLine(CliResult result, string expected)
    {
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToArray();
        Assert.True(errors.Length == 1, result.ToString());
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task Ingesting_a_missing_file_fails_before_anything_is_stored()
    {
        var result = await _cli.RunAsync("ingest", _temp.Combine("nope.md"));

        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "No such file or folder");
        Assert.False(File.Exists(Path.Combine(_cli.DataDirectory, "raglab.db")));
    }

    [Fact]
    public async Task Asking_in_an_unknown_mode_names_the_modes_there_are()
    {
        var result = await _cli.RunAsync("ask", "What is the refund window?", "--mode", "telepathy");

        Assert.NotEqual(0, result.ExitCode);
        AssertOneErrorLine(result, "Unknown mode 'telepathy'. Use one of: base, rag, prompt, longcontext, agent, finetuned, hybrid.");
    }

    [Fact]
    public async Task An_eval_run_with_an_unknown_mode_is_a_usage_error()
    {
        await _cli.RunOkAsync("eval", "import", SampleFiles.WriteEvalSet(_temp), "--name", "faq");

        var result = await _cli.RunAsync("eval", "run", "faq", "--modes", "rag,oracle");

        Assert.Equal(2, result.ExitCode);
        AssertOneErrorLine(result, "Unknown mode 'oracle'");
    }

    [Fact]
    public async Task Reembedding_a_collection_without_documents_says_so()
    {
        var result = await _cli.RunAsync("reembed", "nowhere");

        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "Collection 'nowhere' has no documents");
    }

    [Fact]
    public async Task An_unknown_eval_set_says_how_to_find_one()
    {
        var result = await _cli.RunAsync("eval", "run", "no-such-set", "--modes", "rag");

        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "No eval set with id or name 'no-such-set'");
    }

    [Fact]
    public async Task A_malformed_eval_set_names_the_bad_line()
    {
        var path = _temp.Combine("bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"question\": \"ok?\"}\n{\"answer\": \"no question\"}\n");

        var result = await _cli.RunAsync("eval", "import", path, "--name", "bad");

        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "line 2");
    }

    [Fact]
    public async Task A_bad_collection_name_is_refused()
    {
        var result = await _cli.RunAsync("ingest", SampleFiles.WriteDocuments(_temp), "--collection", "Bad Name!");

        Assert.Equal(1, result.ExitCode);
        AssertOneErrorLine(result, "Collection name 'Bad Name!' is invalid");
    }

    [Theory]
    [InlineData("ask")]                             // missing question
    [InlineData("eval")]                            // missing sub-command
    [InlineData("search", "x", "--top-k", "many")]  // not a number
    [InlineData("status", "--frobnicate")]          // unknown option
    [InlineData("eval", "report", "r1", "--format", "pdf")]
    [InlineData("status", "--url", "localhost:5080")]
    public async Task Command_line_mistakes_exit_with_2(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error:", result.Error);
        Assert.Contains("--help", result.Error);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await _cli.RunOkAsync("--help");

        foreach (var command in new[] { "ingest", "ask", "search", "docs", "status", "eval" }) Assert.Contains(command, result.Output);
    }
}
