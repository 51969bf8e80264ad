using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace RagLab.Api.Tests;

/// <summary>
/// Concurrent writes to one document, through the Api as users would send them: many uploads of one name at once, and a
/// delete racing the indexing job. The last accepted version must win in the store, the index, search and answers.
/// </summary>
public sealed class ConcurrentWriteTests(ITestOutputHelper output) : IDisposable
{
    private const string Name = "policy.md";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>
    /// Version <paramref name="version"/> of round <paramref name="round"/>: many tagged sections, each saying "policy", so
    /// that indexing one version takes long enough for the uploads and jobs of the others to overlap it.
    /// </summary>
    private static string Content(int round, int version)
    {
        var tag = Tag(round, version);
        var sections = Enumerable.Range(0, 40).Select(i =>
            $"## Clause {i} of the policy\n\nClause {i}: refunds are accepted within {10 + version} days of purchase under this policy, " +
            $"shipping takes {version % 5 + 1} business days, revision {round}.{version}. Marker {tag}.");
        return "# Refund policy\n\n" + string.Join("\n\n", sections) + "\n";
    }

    private static string Tag(int round, int version) => $"marker-r{round}-v{version}-end";

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private const int Rounds = 20, Uploads = 20;

    [Fact]
    public async Task Twenty_rounds_of_twenty_parallel_uploads_of_one_name_end_with_one_version_everywhere()
    {
        var factory = new RagLabApiFactory(_data.Path);
        try
        {
            var (documentId, winners) = await RunRoundsAsync(factory.CreateClient());

            // What is stored survives a restart: the reloaded index holds the last round's winner alone.
            factory.Dispose();
            factory = new RagLabApiFactory(_data.Path);
            Assert.Equal(winners[^1], await AssertOneVersionEverywhereAsync(factory.CreateClient(), documentId, Rounds - 1, Uploads));
        }
        finally
        {
            factory.Dispose();
        }
    }

    /// <summary>
    /// The same under Aspire: the Api accepts, a Worker process indexes into Qdrant (whose hits carry their own text, so a
    /// stale point would show) and answers are cached in Redis.
    /// </summary>
    [Fact]
    public async Task Under_aspire_twenty_rounds_of_parallel_uploads_leave_one_version_in_qdrant_and_the_answer_cache()
    {
        await using var stack = await AspireStack.StartAsync();
        var api = stack.CreateApi(runJobsInProcess: false);
        await stack.StartWorkerAsync();
        await RunRoundsAsync(api.CreateClient());
    }

    private async Task<(string DocumentId, List<int> Winners)> RunRoundsAsync(HttpClient client)
    {
        string? documentId = null;
        var winners = new List<int>();
        for (var round = 0; round < Rounds; round++)
        {
            var receipts = await Task.WhenAll(Enumerable.Range(0, Uploads).Select(async version =>
            {
                var body = await client.PostJsonAsync("/api/documents", new { name = Name, text = Content(round, version) }, HttpStatusCode.Accepted);
                return body.GetProperty("documents")[0];
            }));
            documentId ??= receipts[0].GetProperty("id").GetString();
            Assert.All(receipts, r => Assert.Equal(documentId, r.GetProperty("id").GetString()));
            foreach (var receipt in receipts)
            {
                if (receipt.TryGetProperty("jobId", out var job)) await client.WaitForJobAsync(job.GetString()!);
            }
            winners.Add(await AssertOneVersionEverywhereAsync(client, documentId!, round, Uploads));
        }
        output.WriteLine($"winning versions per round: {string.Join(", ", winners)}");
        return (documentId!, winners);
    }

    /// <summary>Asserts the store, its chunks, search and answers all hold one version of the round, and returns it.</summary>
    private static async Task<int> AssertOneVersionEverywhereAsync(HttpClient client, string documentId, int round, int uploads)
    {
        var document = await client.GetJsonAsync($"/api/documents/{documentId}");
        Assert.Equal("ready", document.GetProperty("status").GetString());
        var hash = document.GetProperty("contentHash").GetString();
        var winner = Enumerable.Range(0, uploads).Single(v => Sha256(Content(round, v)) == hash);
        var tag = Tag(round, winner);

        // The store: its chunks are the chunks of the version its content hash names.
        var chunks = (await client.GetJsonAsync($"/api/documents/{documentId}/chunks")).EnumerateArray().ToList();
        Assert.True(chunks.Count >= 10, $"expected a chunk per section or two, got {chunks.Count}");
        Assert.All(chunks, c => Assert.Contains(tag, c.GetProperty("text").GetString()));
        Assert.Equal(chunks.Count, document.GetProperty("chunks").GetInt32());
        var chunkIds = chunks.Select(c => c.GetProperty("id").GetString()!).ToHashSet();

        // The index: every chunk of the document matches "policy", and search finds exactly the stored ones.
        var search = await client.PostJsonAsync("/api/search", new { query = "policy marker", topK = 100 });
        var hits = search.GetProperty("hits").EnumerateArray().ToList();
        Assert.All(hits, h => Assert.Contains(tag, h.GetProperty("text").GetString()));
        Assert.Equal(chunkIds, hits.Select(h => h.GetProperty("chunkId").GetString()!).ToHashSet());

        // Answers, fresh and cached, cite only this version.
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var answer = await client.PostJsonAsync("/api/ask", new { question = "How many days are refunds accepted under the policy?", mode = "rag" });
            var citations = answer.GetProperty("citations").EnumerateArray().ToList();
            Assert.NotEmpty(citations);
            Assert.All(citations, c => Assert.Contains(c.GetProperty("chunkId").GetString()!, chunkIds));
            Assert.All(answer.GetProperty("retrieved").EnumerateArray(), r => Assert.Contains(r.GetString()!, chunkIds));
        }
        return winner;
    }

    [Fact]
    public async Task A_document_deleted_while_it_is_indexing_never_comes_back()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        const int tries = 12;
        var deletedWhileRunning = 0;
        for (var attempt = 0; attempt < tries; attempt++)
        {
            var name = $"doomed-{attempt}.md";
            var tag = $"doomedtag{attempt}x";
            // Large enough that indexing takes a while (many sections), so the delete lands during the job.
            var text = string.Join("\n\n", Enumerable.Range(0, 400).Select(i => $"## Section {i}\n\nThe {tag} clause {i} says refunds take {i} days."));
            var receipt = (await client.PostJsonAsync("/api/documents", new { name, text }, HttpStatusCode.Accepted)).GetProperty("documents")[0];
            var id = receipt.GetProperty("id").GetString()!;
            var jobId = receipt.GetProperty("jobId").GetString()!;

            // Alternate: delete at once (job queued or starting), or once the job reports it is running.
            if (attempt % 2 == 1)
            {
                for (var poll = 0; poll < 400; poll++)
                {
                    var status = (await client.GetJsonAsync($"/api/jobs/{jobId}")).GetProperty("status").GetString();
                    if (status != "queued")
                    {
                        if (status == "running") deletedWhileRunning++;
                        break;
                    }
                    await Task.Delay(5);
                }
            }
            using (var delete = await client.DeleteAsync($"/api/documents/{id}"))
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            await client.WaitForJobAsync(jobId);

            using (var get = await client.GetAsync($"/api/documents/{id}"))
                Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.DoesNotContain((await client.GetJsonAsync("/api/documents")).EnumerateArray(), d => d.GetProperty("id").GetString() == id);
            var hits = (await client.PostJsonAsync("/api/search", new { query = tag, topK = 10 })).GetProperty("hits").EnumerateArray();
            Assert.DoesNotContain(hits, h => h.GetProperty("documentId").GetString() == id);
        }

        // After the index loader's next passes, and after a restart, none came back.
        var sync = factory.Services.GetRequiredService<RagLab.Infrastructure.Indexing.EmbeddedIndexLoader>();
        await sync.SyncAsync(CancellationToken.None);
        Assert.Empty((await client.GetJsonAsync("/api/documents")).EnumerateArray());
        var anyHits = (await client.PostJsonAsync("/api/search", new { query = "clause refunds", topK = 10 })).GetProperty("hits");
        Assert.Equal(0, anyHits.GetArrayLength());
        output.WriteLine($"{deletedWhileRunning} of {tries / 2} delayed deletes were sent while the job reported running");
    }

    [Fact]
    public async Task A_deleted_document_stays_deleted_after_a_restart()
    {
        var factory = new RagLabApiFactory(_data.Path);
        var client = factory.CreateClient();
        var text = string.Join("\n\n", Enumerable.Range(0, 200).Select(i => $"## Part {i}\n\nThe ghosttag clause {i}."));
        var receipt = (await client.PostJsonAsync("/api/documents", new { name = "ghost.md", text }, HttpStatusCode.Accepted)).GetProperty("documents")[0];
        var id = receipt.GetProperty("id").GetString()!;
        using (var delete = await client.DeleteAsync($"/api/documents/{id}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await client.WaitForJobAsync(receipt.GetProperty("jobId").GetString()!);
        factory.Dispose();

        using var restarted = new RagLabApiFactory(_data.Path);
        using var again = restarted.CreateClient();
        using (var get = await again.GetAsync($"/api/documents/{id}")) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(0, (await again.PostJsonAsync("/api/search", new { query = "ghosttag", topK = 10 })).GetProperty("hits").GetArrayLength());
    }
}
