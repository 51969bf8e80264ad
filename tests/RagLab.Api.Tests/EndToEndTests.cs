using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>The whole lab through HTTP against a model server that speaks Ollama's protocol.</summary>
public sealed partial class EndToEndTests : IAsyncLifetime
{
    private FakeOllamaServer _ollama = null!;
    private ApiTestHost _api = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Respond = AnswerFromContext;
        _api = new ApiTestHost(_ollama.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    /// <summary>
    /// A stand-in model that reads the numbered context block and cites the source mentioning the question's key word,
    /// plus one marker that points at nothing retrieved (which RagLab must drop and flag).
    /// </summary>
    private static string AnswerFromContext(IReadOnlyList<FakeChatMessage> messages)
    {
        var prompt = string.Join("\n", messages.Select(m => m.Content));
        var keyword = prompt.Contains("sprocket", StringComparison.OrdinalIgnoreCase) ? "sprocket" : "warranty";
        foreach (Match source in SourcePattern().Matches(prompt))
        {
            if (source.Groups["text"].Value.Contains(keyword, StringComparison.OrdinalIgnoreCase))
                return $"The {keyword} is covered in the manual [{source.Groups["n"].Value}]. See also [42].";
        }
        return "The documents do not contain the answer.";
    }

    [GeneratedRegex(@"^\[(?<n>\d+)\](?<text>.*?)(?=^\[\d+\]|\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SourcePattern();

    [Fact]
    public async Task Upload_three_documents_ask_and_the_citation_points_to_the_right_document()
    {
        using var form = ApiErrorTests.Files(
            ("manual.md", Encoding.UTF8.GetBytes("# Maintenance\n\n## Sprocket\n\nCalibrate the sprocket every week with the blue tool.\n\n## Belts\n\nReplace belts yearly.")),
            ("warranty.html", Encoding.UTF8.GetBytes("<html><head><style>p{}</style><script>var warranty=1</script></head><body><h1>Warranty</h1><p>The warranty lasts two years from delivery.</p></body></html>")),
            ("faq.txt", Encoding.UTF8.GetBytes("Shipping takes five days.\n\nReturns need the original box.")));
        var upload = await _api.Client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var documents = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal(3, documents.Count);
        foreach (var document in documents)
        {
            Assert.False(string.IsNullOrEmpty(document.GetProperty("jobId").GetString()));
            await _api.Client.WaitUntilReadyAsync(document.GetProperty("id").GetString()!);
            var job = await _api.Client.WaitForJobAsync(document.GetProperty("jobId").GetString()!);
            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        }
        var manualId = documents.Single(d => d.GetProperty("name").GetString() == "manual.md").GetProperty("id").GetString();

        var answer = await _api.Client.PostJsonAsync("/api/ask", new { question = "How often should I calibrate the sprocket?", mode = "rag" });

        Assert.Equal("rag", answer.GetProperty("mode").GetString());
        Assert.False(answer.GetProperty("extractive").GetBoolean());
        Assert.Equal("qwen2.5:1.5b", answer.GetProperty("model").GetString());
        var citation = Assert.Single(answer.GetProperty("citations").EnumerateArray());
        Assert.Equal(manualId, citation.GetProperty("documentId").GetString());
        Assert.Equal("manual.md", citation.GetProperty("documentName").GetString());
        Assert.Contains("sprocket", citation.GetProperty("quote").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("[42]", answer.GetProperty("answer").GetString());
        Assert.Contains(answer.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("[42]"));
        Assert.True(answer.GetProperty("usage").GetProperty("inputTokens").GetInt64() > 0);
        Assert.True(answer.GetProperty("usage").GetProperty("outputTokens").GetInt64() > 0);
        Assert.False(answer.GetProperty("cached").GetBoolean());

        // The dense and hybrid retrievers work now that an embedding model answers, and hybrid is the default.
        var search = await _api.Client.PostJsonAsync("/api/search", new { query = "warranty two years" });
        Assert.Equal("hybrid", search.GetProperty("retriever").GetString());
        Assert.Equal("warranty.html", search.GetProperty("hits")[0].GetProperty("documentName").GetString());
        Assert.DoesNotContain("var warranty", search.GetProperty("hits")[0].GetProperty("text").GetString());

        var again = await _api.Client.PostJsonAsync("/api/ask", new { question = "how often should I calibrate the sprocket", mode = "rag" });
        Assert.True(again.GetProperty("cached").GetBoolean());
    }

    [Fact]
    public async Task Base_mode_answers_without_documents_or_citations()
    {
        var answer = await _api.Client.PostJsonAsync("/api/ask", new { question = "What is a sprocket?", mode = "base" });
        Assert.Equal("base", answer.GetProperty("mode").GetString());
        Assert.Empty(answer.GetProperty("citations").EnumerateArray());
        var chat = _ollama.Requests.Last(r => r.Path == "/api/chat");
        Assert.DoesNotContain("<context>", chat.Body);
    }

    [Fact]
    public async Task Streaming_sends_tokens_then_one_done_event_with_the_full_response()
    {
        var id = await _api.Client.UploadTextAsync("manual.md", "# Sprocket\n\nCalibrate the sprocket every week.");
        await _api.Client.WaitUntilReadyAsync(id);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask/stream") { Content = JsonContent.Create(new { question = "How often to calibrate the sprocket?" }) };
        using var response = await _api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ServerSentEvents.Parse(await response.Content.ReadAsStringAsync());

        var tokens = events.Where(e => e.Name == "token").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString()).ToList();
        Assert.True(tokens.Count > 1, "the answer should arrive as several token events");
        var done = Assert.Single(events, e => e.Name == "done");
        Assert.Equal(events[^1], done);
        var result = JsonDocument.Parse(done.Data).RootElement;
        Assert.StartsWith(string.Concat(tokens).Split('[')[0].Trim(), result.GetProperty("answer").GetString());
        Assert.Equal(id, result.GetProperty("citations")[0].GetProperty("documentId").GetString());
    }

    [Fact]
    public async Task A_model_error_mid_stream_arrives_as_an_error_event()
    {
        var id = await _api.Client.UploadTextAsync("manual.md", "# Sprocket\n\nCalibrate the sprocket every week.");
        await _api.Client.WaitUntilReadyAsync(id);
        _ollama.FailStreamAfterTokens = 2;

        using var response = await _api.Client.PostAsJsonAsync("/api/ask/stream", new { question = "How often to calibrate the sprocket?" });
        var events = ServerSentEvents.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, events.Count(e => e.Name == "token"));
        var error = Assert.Single(events, e => e.Name == "error");
        Assert.DoesNotContain(events, e => e.Name == "done");
        Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(error.Data).RootElement.GetProperty("detail").GetString()));
    }
}

/// <summary>Parses a text/event-stream body into (event, data) pairs.</summary>
internal static class ServerSentEvents
{
    public sealed record Event(string Name, string Data);

    public static List<Event> Parse(string body) =>
        [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: "))?["event: ".Length..] ?? "message";
            var data = string.Join("\n", lines.Where(l => l.StartsWith("data: ")).Select(l => l["data: ".Length..]));
            return new Event(name, data);
        })];
}
