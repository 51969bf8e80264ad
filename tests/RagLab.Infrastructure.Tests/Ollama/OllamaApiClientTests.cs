using System.Net;
using RagLab.Infrastructure.Ollama;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Ollama;

public sealed class OllamaApiClientTests : IAsyncLifetime
{
    private FakeOllamaServer _server = null!;
    private HttpClient _http = null!;
    private OllamaApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOllamaServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
        _api = new OllamaApiClient(_http);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Version_is_read_from_api_version()
    {
        Assert.Equal(FakeOllamaServer.Version, await _api.GetVersionAsync());
    }

    [Fact]
    public async Task Tags_list_every_local_model_with_details()
    {
        var models = await _api.ListModelsAsync();

        Assert.Equal(2, models.Count);
        var chat = Assert.Single(models, m => m.Matches("qwen2.5:1.5b"));
        Assert.Equal("qwen2.5:1.5b", chat.Name);
        Assert.Equal("gguf", chat.Details?.Format);
        Assert.Equal("1.5B", chat.Details?.ParameterSize);
        Assert.NotNull(chat.ModifiedAt);
        // Ollama lists untagged models as name:latest; both spellings match.
        var embed = Assert.Single(models, m => m.Matches("all-minilm"));
        Assert.True(embed.Matches("all-minilm:latest"));
        Assert.False(embed.Matches("all-minilm:l6-v2"));
    }

    [Fact]
    public async Task Show_returns_details_capabilities_and_model_info()
    {
        var show = await _api.ShowAsync("all-minilm");

        Assert.Equal(["embedding"], show.Capabilities);
        Assert.Equal("bert", show.Details?.Family);
        Assert.Equal(384, show.ModelInfo!["bert.embedding_length"].GetInt32());
        Assert.Equal("all-minilm", _server.RequestsTo("/api/show").Single().Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Show_of_a_missing_model_throws_404_with_a_pull_hint()
    {
        var error = await Assert.ThrowsAsync<OllamaException>(() => _api.ShowAsync("llava"));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("ollama pull llava", error.Message);
    }

    [Fact]
    public async Task Pull_streams_progress_until_success_and_the_model_is_then_listed()
    {
        var progress = new List<OllamaPullProgress>();
        await foreach (var line in _api.PullAsync("llama3.2:1b"))
            progress.Add(line);

        Assert.Equal("pulling manifest", progress[0].Status);
        Assert.True(progress[^1].IsSuccess);
        var downloads = progress.Where(p => p.Completed is not null).ToList();
        Assert.NotEmpty(downloads);
        Assert.All(downloads, p => Assert.NotNull(p.Digest));
        Assert.Equal(100, downloads[^1].Percent);
        Assert.True(progress.Select(p => p.Percent).OfType<double>().SequenceEqual(progress.Select(p => p.Percent).OfType<double>().Order()));
        var body = _server.RequestsTo("/api/pull").Single().Json;
        Assert.Equal("llama3.2:1b", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Contains(await _api.ListModelsAsync(), m => m.Matches("llama3.2:1b"));
    }

    [Fact]
    public async Task Pull_with_IProgress_reports_every_line()
    {
        var reported = new List<OllamaPullProgress>();

        await _api.PullAsync("phi3", new SynchronousProgress(reported.Add));

        Assert.Equal("success", reported[^1].Status);
        Assert.Contains(reported, p => p.Status == "verifying sha256 digest");
    }

    private sealed class SynchronousProgress(Action<OllamaPullProgress> report) : IProgress<OllamaPullProgress>
    {
        public void Report(OllamaPullProgress value) => report(value);
    }
}
