using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RagLab.Testing;
using Xunit.Abstractions;

namespace RagLab.Api.Tests;

/// <summary>Hostile or careless input stays cheap: bombs fail at a named limit, large bodies are refused before they are read.</summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("report.docx")]
    [InlineData("report.pdf")]
    public async Task A_file_that_inflates_to_one_GiB_ends_failed_with_the_limit_named(string name)
    {
        var bomb = name.EndsWith(".docx") ? HostileFiles.DocxBomb(HostileFiles.OneGiB) : HostileFiles.PdfBomb(HostileFiles.OneGiB);
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        var process = Process.GetCurrentProcess();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();

        using var form = new MultipartFormDataContent { { new ByteArrayContent(bomb), "files", name } };
        using var response = await client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("documents")[0];
        await client.WaitForJobAsync(receipt.GetProperty("jobId").GetString()!);
        var document = await client.GetJsonAsync($"/api/documents/{receipt.GetProperty("id").GetString()}");

        process.Refresh();
        output.WriteLine($"{name}: {bomb.Length / 1024} KB upload inflating to 1 GiB ended '{document.GetProperty("status").GetString()}' after " +
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; managed heap {managedBefore / 1048576.0:0} → {GC.GetTotalMemory(false) / 1048576.0:0} MiB, " +
            $"peak working set of the test process {process.PeakWorkingSet64 / 1048576.0:0} MiB");
        Assert.Equal("failed", document.GetProperty("status").GetString());
        Assert.Contains("decompression limit of 500 MB", document.GetProperty("error").GetString());
        Assert.Equal(0, document.GetProperty("chunks").GetInt32());
        // The whole 1 GiB never existed in this process: far less than it was ever resident.
        Assert.True(process.PeakWorkingSet64 < 900L << 20, $"peak working set {process.PeakWorkingSet64 / 1048576} MiB");
    }

    [Fact]
    public async Task A_document_over_the_chunk_limit_ends_failed_with_the_limit_named()
    {
        using var factory = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?> { ["RagLab:Ingestion:MaxChunksPerDocument"] = "10" });
        using var client = factory.CreateClient();
        var text = string.Join("\n\n", Enumerable.Range(0, 30).Select(i => $"# Part {i}\n\nSection {i} text."));
        var id = await client.UploadTextAsync("many.md", text);
        var document = await WaitForFinalStatusAsync(client, id);
        Assert.Equal("failed", document.GetProperty("status").GetString());
        Assert.Contains("limit of 10 chunks per document (RagLab:Ingestion:MaxChunksPerDocument)", document.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_400_MB_JSON_upload_is_refused_with_413_before_its_body_is_read()
    {
        // Over real sockets: the in-memory test server drains what the client sends, Kestrel does not.
        using var factory = new RagLabApiFactory(_data.Path);
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = RealClient(factory);
        await client.GetJsonAsync("/api/documents"); // started and warm, so it answers within the client's wait
        var body = new EndlessJsonContent(400L << 20);
        // As curl sends a large body: the server answers before the client sends any of it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = body };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);

        output.WriteLine($"413 after the client sent {body.BytesSent} of {400L << 20} bytes");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("JSON upload", await response.Content.ReadAsStringAsync());
        Assert.True(body.BytesSent < 1L << 20, $"{body.BytesSent} bytes were read before the refusal");
    }

    [Fact]
    public async Task A_JSON_upload_without_a_declared_length_is_cut_off_at_the_limit()
    {
        using var factory = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?> { ["RagLab:Ingestion:MaxUploadBytes"] = "1048576" });
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = RealClient(factory);
        var body = new EndlessJsonContent(64L << 20, declareLength: false);
        try
        {
            using var response = await client.PostAsync("/api/documents", body);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException)
        {
            // The server answered 413 and closed the connection while the client was still sending: also a refusal.
        }
        // What the client managed to push into the socket before the refusal (the server reads at most the limit).
        output.WriteLine($"refused after the client sent {body.BytesSent} of {64L << 20} bytes (limit 2 MB + 64 KB)");
        Assert.Empty((await client.GetJsonAsync("/api/documents")).EnumerateArray());
    }

    [Fact]
    public async Task More_files_than_the_configured_count_get_413_and_nothing_is_stored()
    {
        using var factory = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?> { ["RagLab:Ingestion:MaxFilesPerRequest"] = "5" });
        using var client = factory.CreateClient();
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 6; i++) form.Add(new StringContent($"note {i}"), "files", $"note{i}.txt");
        using var response = await client.PostAsync("/api/documents", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("more than 5 files (RagLab:Ingestion:MaxFilesPerRequest)", await response.Content.ReadAsStringAsync());
        Assert.Empty((await client.GetJsonAsync("/api/documents")).EnumerateArray());
    }

    [Fact]
    public async Task More_than_a_thousand_files_get_413_not_500()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 1100; i++) form.Add(new StringContent("x"), "files", $"n{i}.txt");
        using var response = await client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_upload_larger_than_the_request_limit_is_refused_before_it_is_read()
    {
        using var factory = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?> { ["RagLab:Ingestion:MaxUploadBytes"] = "1048576" });
        using var client = factory.CreateClient();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[5 << 20]), "files", "big.txt" } };
        using var response = await client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("RagLab:Ingestion:MaxRequestBytes", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhello")]              // no closing boundary
    [InlineData("--b\r\nthis line is no header\r\n\r\nhello\r\n--b--\r\n")]                                          // a header without a colon
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\u0000\u0001.txt\r\n\r\nhi\r\n--b--\r\n")] // a broken file name
    public async Task A_malformed_multipart_body_gets_400(string body)
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using var response = await client.PostAsync("/api/documents", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/search", "query")]
    [InlineData("/api/ask", "question")]
    public async Task Queries_longer_than_the_one_documented_limit_get_400_naming_it(string path, string field)
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        using var response = await client.PostAsync(path, JsonBody($"{{\"{field}\":\"{new string('a', 4001)}\"}}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the limit is 4000 characters", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_ten_million_character_query_is_refused_with_413_before_it_is_read()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/api/search", JsonBody($"{{\"query\":\"{new string('a', 10_000_000)}\"}}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>A client over real sockets that waits for the server's answer to <c>Expect: 100-continue</c> before sending a body.</summary>
    private static HttpClient RealClient(RagLabApiFactory factory)
    {
        using var probe = factory.CreateClient();
        return new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) }) { BaseAddress = probe.BaseAddress };
    }

    private static ByteArrayContent JsonBody(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<System.Text.Json.JsonElement> WaitForFinalStatusAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var document = await client.GetJsonAsync($"/api/documents/{id}");
            if (document.GetProperty("status").GetString() is "ready" or "failed") return document;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Document {id} did not finish indexing.");
    }

    /// <summary>A JSON upload of <c>{"name":"big.txt","text":"aaaa…</c> made as it is sent, counting what the server pulled.</summary>
    private sealed class EndlessJsonContent : HttpContent
    {
        private readonly long _length;
        private readonly bool _declareLength;
        private long _sent;

        public EndlessJsonContent(long length, bool declareLength = true)
        {
            (_length, _declareLength) = (length, declareLength);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public long BytesSent => Interlocked.Read(ref _sent);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var head = Encoding.UTF8.GetBytes("{\"name\":\"big.txt\",\"text\":\"");
            await stream.WriteAsync(head);
            Interlocked.Add(ref _sent, head.Length);
            var block = Encoding.UTF8.GetBytes(new string('a', 64 * 1024));
            try
            {
                while (BytesSent + block.Length < _length)
                {
                    await stream.WriteAsync(block);
                    Interlocked.Add(ref _sent, block.Length);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The server answered and stopped reading: that is the point.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return _declareLength;
        }
    }
}
