using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace RagLab.AppHost.Tests;

[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    /// <summary>One started AppHost at a time: each runs five processes, and CI has two cores.</summary>
    public const string Name = "running AppHost";
}

/// <summary>The whole lab from <c>dotnet run --project AppHost</c> on a machine without a container engine.</summary>
[Collection(AppHostCollection.Name)]
public partial class RunningLabTests(RunningLab lab) : IClassFixture<RunningLab>
{
    private const string Refunds = "refunds";

    private static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task An_upload_is_indexed_by_the_worker_and_answered_with_a_citation_then_from_the_cache()
    {
        var ct = Timeout(60);
        lab.Ollama.Respond = _ => "Refunds are accepted within 30 days of purchase [1].";

        var jobId = await lab.UploadAsync(Refunds, "refunds.md", "# Refunds\n\nRefunds are accepted within 30 days of purchase.", ct);
        var job = await lab.WaitForJobAsync(jobId, ct);

        Assert.Equal("succeeded", (string?)job["status"]);
        // The Api does not run jobs here: the worker took this one from the Redis stream.
        var status = await lab.GetJsonAsync("/api/status", ct);
        Assert.False((bool)status["jobsInProcess"]!);
        Assert.Equal("redis", Dependency(status, "job queue"));
        Assert.Equal("postgres", Dependency(status, "database"));

        // The document row is in Postgres, read with the connection string the AppHost hands the Api and the Worker.
        await using (var connection = new NpgsqlConnection(await lab.App.GetConnectionStringAsync("db", ct)))
        {
            await connection.OpenAsync(ct);
            await using var row = new NpgsqlCommand("SELECT status, chunks FROM documents WHERE collection = @c AND name = @n", connection);
            row.Parameters.AddWithValue("c", Refunds);
            row.Parameters.AddWithValue("n", "refunds.md");
            await using var reader = await row.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct), "no refunds.md row in Postgres");
            Assert.Equal("ready", reader.GetString(0));
            Assert.True(reader.GetInt32(1) > 0);
        }

        // The Api's in-process index follows what the worker wrote to the database (RagLab:IndexSyncInterval): search first,
        // since an ask in that window would be answered, and cached, without the document.
        await WaitUntilSearchFindsAsync("refund window", "refunds.md", ct);
        var first = await AskUntilTheModelAnswersAsync("How long do I have to ask for a refund?", ct);
        Assert.Equal("Refunds are accepted within 30 days of purchase [1].", (string?)first["answer"]);
        Assert.Equal("refunds.md", (string?)first["citations"]![0]!["documentName"]);
        Assert.False((bool)first["cached"]!);

        var second = await AskAsync("How long do I have to ask for a refund?", ct);
        Assert.True((bool)second["cached"]!);
        Assert.Equal((string?)first["answer"], (string?)second["answer"]);
    }

    [Fact]
    public async Task The_web_ui_answers_on_its_endpoint()
    {
        using var web = lab.App.CreateHttpClient("web");
        using var response = await web.GetAsync("/", Timeout(30));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("RagLab", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_job_interrupted_by_stopping_the_worker_finishes_exactly_once_after_it_starts_again()
    {
        var ct = Timeout(90);
        const string text = "The warranty covers parts and labour for two years from delivery.";
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lab.Ollama.BeforeEmbed = abort => held.Task.WaitAsync(abort);
        try
        {
            var jobId = await lab.UploadAsync("warranty", "warranty.md", text, ct);
            while (EmbedRequestsFor(text) == 0) await Task.Delay(100, ct);
            Assert.Equal("running", (string?)(await lab.GetJsonAsync($"/api/jobs/{jobId}", ct))["status"]);

            await lab.ExecuteCommandAsync("worker", KnownResourceCommands.StopCommand, ct);
            await lab.App.ResourceNotifications.WaitForResourceAsync("worker", e => e.Snapshot.State?.Text is "Exited" or "Finished", ct);
            lab.Ollama.BeforeEmbed = null;
            held.TrySetResult();
            await Task.Delay(1000, ct);
            Assert.NotEqual("succeeded", (string?)(await lab.GetJsonAsync($"/api/jobs/{jobId}", ct))["status"]);

            await lab.ExecuteCommandAsync("worker", KnownResourceCommands.StartCommand, ct);
            var job = await lab.WaitForJobAsync(jobId, ct);

            Assert.Equal("succeeded", (string?)job["status"]);
            var documents = (await lab.GetJsonAsync("/api/documents", ct)).AsArray().Where(d => (string?)d!["name"] == "warranty.md").ToList();
            var document = Assert.Single(documents);
            var chunks = (await lab.GetJsonAsync($"/api/documents/{document!["id"]}/chunks", ct)).AsArray();
            Assert.Equal((int)document["chunks"]!, chunks.Count);
            // One embedding call cut off by the stop, one that finished: the job ran to the end once.
            Assert.Equal(2, EmbedRequestsFor(text));
            await lab.App.ResourceNotifications.WaitForResourceHealthyAsync("worker", ct);
        }
        finally
        {
            lab.Ollama.BeforeEmbed = null;
            held.TrySetResult();
        }
    }

    private int EmbedRequestsFor(string text) => lab.Ollama.RequestsTo("/api/embed").Count(r => r.Body.Contains(text[..30], StringComparison.Ordinal));

    private async Task<JsonNode> AskAsync(string question, CancellationToken ct, string collection = Refunds)
    {
        using var response = await lab.Api.PostAsJsonAsync("/api/ask", new { question, mode = "rag", collection }, ct);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
    }

    /// <summary>The Api probes its model server in the background: until the first probe, answers are extractive (and not cached).</summary>
    private async Task<JsonNode> AskUntilTheModelAnswersAsync(string question, CancellationToken ct, string collection = Refunds)
    {
        while (true)
        {
            var answer = await AskAsync(question, ct, collection);
            if (answer["extractive"] is JsonValue extractive && !(bool)extractive) return answer;
            await Task.Delay(500, ct);
        }
    }

    private async Task WaitUntilSearchFindsAsync(string query, string documentName, CancellationToken ct, string collection = Refunds)
    {
        while (true)
        {
            using var response = await lab.Api.PostAsJsonAsync("/api/search", new { query, retriever = "bm25", collection }, ct);
            response.EnsureSuccessStatusCode();
            var hits = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["hits"]!.AsArray();
            if (hits.Any(h => (string?)h!["documentName"] == documentName)) return;
            await Task.Delay(250, ct);
        }
    }

    internal static string? Dependency(JsonNode status, string name) =>
        (string?)status["dependencies"]!.AsArray().Single(d => (string?)d!["name"] == name)!["kind"];
}
