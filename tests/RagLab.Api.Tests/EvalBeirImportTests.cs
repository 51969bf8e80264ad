using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;

namespace RagLab.Api.Tests;

/// <summary>A tiny BEIR dataset imported through the API, then evaluated with bm25 against metrics worked out by hand.</summary>
public sealed class EvalBeirImportTests : IDisposable
{
    private const string Collection = "tiny-beir";

    private readonly ApiTestHost _api = new();
    private readonly TempDirectory _dataset = new();

    public void Dispose()
    {
        _api.Dispose();
        _dataset.Dispose();
    }

    /// <summary>Writes the dataset the way BEIR ships it: JSON Lines, and qrels as TSV with a header and CRLF line ends.</summary>
    private void WriteDataset()
    {
        File.WriteAllText(Path.Combine(_dataset.Path, "corpus.jsonl"), string.Join("\n",
            """{"_id": "zebra1", "title": "Zebra migration", "text": "Zebra migration crosses the Serengeti plains every year."}""",
            """{"_id": "zebra2", "title": "Bird migration", "text": "Swallows fly south in autumn."}""",
            """{"_id": "wildebeest", "title": "Wildebeest", "text": "Herds cross rivers full of crocodiles."}""",
            """{"_id": "coral1", "title": "Coral reef bleaching", "text": "Marine heatwaves bleach coral reefs."}""",
            """{"_id": "coral2", "title": "Reef fish", "text": "Small fish shelter in coral."}""",
            """{"_id": "volcano", "title": "Volcanic ash", "text": "Volcanic ash clouds ground aviation for days."}""",
            """{"_id": "garden", "title": "Gardening", "text": "Tomatoes need sun."}""") + "\n");
        File.WriteAllText(Path.Combine(_dataset.Path, "queries.jsonl"), string.Join("\n",
            """{"_id": "q1", "text": "zebra migration"}""",
            """{"_id": "q2", "text": "coral reef bleaching"}""",
            """{"_id": "q3", "text": "volcanic ash aviation"}""",
            """{"_id": "q4", "text": "tomato sun"}""") + "\n");
        Directory.CreateDirectory(Path.Combine(_dataset.Path, "qrels"));
        File.WriteAllText(Path.Combine(_dataset.Path, "qrels", "test.tsv"),
            "query-id\tcorpus-id\tscore\r\nq1\tzebra1\t1\r\nq1\twildebeest\t1\r\nq2\tcoral2\t1\r\nq3\tvolcano\t1\r\n");
    }

    private MultipartFormDataContent DatasetForm(string split = "test")
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, file) in new[] { ("corpus", "corpus.jsonl"), ("queries", "queries.jsonl"), ("qrels", Path.Combine("qrels", "test.tsv")) })
        {
            var part = new ByteArrayContent(File.ReadAllBytes(Path.Combine(_dataset.Path, file)));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, field, Path.GetFileName(file));
        }
        form.Add(new StringContent(Collection), "collection");
        form.Add(new StringContent(split), "split");
        return form;
    }

    private static string Id(string corpusId) => DocumentIds.ForDocument(Collection, corpusId + ".txt");

    [Fact]
    public async Task Imported_dataset_is_evaluated_with_bm25_and_the_metrics_match_hand_computed_values()
    {
        WriteDataset();
        using var response = await _api.Client.PostAsync("/api/evalsets/beir", DatasetForm());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var import = JsonDocument.Parse(body).RootElement;
        Assert.Equal((Collection, 7, 3), (import.GetProperty("collection").GetString(), import.GetProperty("documents").GetInt32(), import.GetProperty("queries").GetInt32()));
        if (import.TryGetProperty("jobId", out var jobId) && jobId.GetString() is { } ingestJob)
            Assert.Equal("succeeded", (await _api.Client.WaitForJobAsync(ingestJob)).GetProperty("status").GetString());
        foreach (var corpusId in new[] { "zebra1", "zebra2", "wildebeest", "coral1", "coral2", "volcano", "garden" })
        {
            var document = await _api.Client.WaitUntilReadyAsync(Id(corpusId));
            Assert.Equal(corpusId + ".txt", document.GetProperty("name").GetString());
        }

        // The set: the three judged queries (q4 has no judgements), relevant documents as RagLab document ids.
        var setId = import.GetProperty("evalSetId").GetString()!;
        var set = await _api.Client.GetJsonAsync($"/api/evalsets/{setId}");
        Assert.Equal(("beir", Collection), (set.GetProperty("source").GetString(), set.GetProperty("name").GetString()));
        var items = set.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("relevantDocuments").EnumerateArray().Select(d => d.GetString()!).ToHashSet());
        Assert.Equal(["q1", "q2", "q3"], items.Keys);
        Assert.True(items["q1"].SetEquals([Id("zebra1"), Id("wildebeest")]));
        Assert.True(items["q2"].SetEquals([Id("coral2")]));

        var runId = await _api.Client.RunEvalAsync(new { setId, modes = new[] { "rag" }, retrievers = new[] { "bm25" } });

        // The rankings the numbers below rest on: only documents sharing a term with the query come back.
        var results = (await _api.Client.GetJsonAsync($"/api/evalruns/{runId}/results")).EnumerateArray()
            .ToDictionary(q => q.GetProperty("itemId").GetString()!, q => Assert.Single(q.GetProperty("retrievals").EnumerateArray()).GetProperty("rankedDocumentIds").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal([Id("zebra1"), Id("zebra2")], results["q1"]);   // wildebeest (relevant) shares no term: never found
        Assert.Equal([Id("coral1"), Id("coral2")], results["q2"]);   // the relevant one comes second
        Assert.Equal([Id("volcano")], results["q3"]);

        // By hand, binary gains, DCG = Σ 1/log2(rank + 1), ideal DCG over min(|relevant|, k) documents:
        // q1: relevant at rank 1 of 2 relevant → nDCG@10 = 1 / (1 + 1/log2 3), recall@10 = 1/2, recall@1 = 1/2
        // q2: relevant at rank 2 of 1 relevant → nDCG@10 = (1/log2 3) / 1,   recall@10 = 1,   recall@1 = 0
        // q3: relevant at rank 1 of 1 relevant → nDCG@10 = 1,                recall@10 = 1,   recall@1 = 1
        var log2Of3 = Math.Log(3) / Math.Log(2);
        var expectedNdcg10 = (1 / (1 + 1 / log2Of3) + 1 / log2Of3 + 1) / 3;
        var expectedRecall10 = (0.5 + 1 + 1) / 3;
        var expectedRecall1 = (0.5 + 0 + 1) / 3;

        var run = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}");
        var bm25 = Assert.Single(run.GetProperty("summary").GetProperty("retrievers").EnumerateArray());
        Assert.Equal(("bm25", 3), (bm25.GetProperty("retriever").GetString(), bm25.GetProperty("questions").GetInt32()));
        var scores = bm25.GetProperty("scores").EnumerateArray().ToDictionary(s => s.GetProperty("k").GetInt32());
        Assert.Equal([1, 3, 5, 10, 100], scores.Keys);
        Assert.Equal(expectedNdcg10, scores[10].GetProperty("ndcg").GetDouble(), 10);
        Assert.Equal(expectedRecall10, scores[10].GetProperty("recall").GetDouble(), 10);
        Assert.Equal(expectedRecall1, scores[1].GetProperty("recall").GetDouble(), 10);
        Assert.Equal((1 + 0.5 + 1) / 3, scores[10].GetProperty("reciprocalRank").GetDouble(), 10);
    }

    [Fact]
    public async Task A_malformed_corpus_line_is_400_naming_the_file_and_line_and_nothing_is_left_behind()
    {
        WriteDataset();
        File.AppendAllText(Path.Combine(_dataset.Path, "corpus.jsonl"), "{\"title\": \"no id\"}\n");
        using var response = await _api.Client.PostAsync("/api/evalsets/beir", DatasetForm());
        var problem = await EvalTestClient.AssertProblemAsync(response, HttpStatusCode.BadRequest, "line 8");
        Assert.Contains("corpus.jsonl", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(Path.GetTempPath(), problem.GetProperty("detail").GetString());
        // The uploaded files were saved to a temporary folder for the import; it is gone.
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.GetTempPath(), "raglab-beir-*"),
            d => File.Exists(Path.Combine(d, "corpus.jsonl")) && File.ReadAllText(Path.Combine(d, "corpus.jsonl")).Contains("no id"));
    }

    [Fact]
    public async Task Missing_files_and_bad_splits_are_400()
    {
        using var noQrels = new MultipartFormDataContent { { new ByteArrayContent("{}"u8.ToArray()), "corpus", "corpus.jsonl" }, { new ByteArrayContent("{}"u8.ToArray()), "queries", "queries.jsonl" } };
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync("/api/evalsets/beir", noQrels), HttpStatusCode.BadRequest, "no 'qrels' file");

        WriteDataset();
        using var form = DatasetForm(split: "../test");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync("/api/evalsets/beir", form), HttpStatusCode.BadRequest, "not a plain name");
    }
}
