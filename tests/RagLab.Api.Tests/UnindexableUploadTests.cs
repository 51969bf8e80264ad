using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagLab.Api.Tests;

/// <summary>
/// Uploads a user gets wrong, through the API: each is accepted, then ends <c>failed</c> with an error that says why;
/// a document with nothing to index never shows as ready. Text sent as text is plain text whatever its name.
/// </summary>
public sealed class UnindexableUploadTests : IDisposable
{
    private readonly ApiTestHost _api = new();

    public void Dispose() => _api.Dispose();

    /// <summary>Polls the document until it is ready or failed. Bounded, not timed.</summary>
    private async Task<JsonElement> WaitUntilSettledAsync(string documentId)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var document = await _api.Client.GetJsonAsync($"/api/documents/{documentId}");
            if (document.GetProperty("status").GetString() is "ready" or "failed") return document;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Document {documentId} did not settle.");
    }

    private async Task<JsonElement> UploadFileAndSettleAsync(string name, byte[] content)
    {
        using var form = ApiErrorTests.Files((name, content));
        using var response = await _api.Client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documents")[0];
        return await WaitUntilSettledAsync(receipt.GetProperty("id").GetString()!);
    }

    private static void AssertFailedBecause(JsonElement document, string reason)
    {
        Assert.Equal("failed", document.GetProperty("status").GetString());
        Assert.Equal(0, document.GetProperty("chunks").GetInt32());
        Assert.Contains(reason, document.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Text_sent_as_json_under_a_name_without_an_extension_is_indexed_as_plain_text()
    {
        var body = await _api.Client.PostJsonAsync("/api/documents",
            new { name = "refund policy", text = "Refunds are accepted within 30 days of purchase." }, HttpStatusCode.Accepted);
        var receipt = body.GetProperty("documents")[0];
        Assert.Equal("refund policy.txt", receipt.GetProperty("name").GetString());

        await _api.Client.WaitUntilReadyAsync(receipt.GetProperty("id").GetString()!);
        var hits = await _api.Client.PostJsonAsync("/api/search", new { query = "refunds within 30 days" });
        Assert.Equal("refund policy.txt", hits.GetProperty("hits")[0].GetProperty("documentName").GetString());
    }

    [Fact]
    public async Task A_file_of_an_unsupported_type_is_still_415()
    {
        using var form = ApiErrorTests.Files(("refund policy", "Refunds within 30 days."u8.ToArray()));
        using var response = await _api.Client.PostAsync("/api/documents", form);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("has no file extension", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_empty_file_fails_saying_it_is_empty()
    {
        AssertFailedBecause(await UploadFileAndSettleAsync("empty.txt", []), "is empty");
    }

    [Fact]
    public async Task Whitespace_sent_as_text_fails_saying_no_text_was_found()
    {
        var body = await _api.Client.PostJsonAsync("/api/documents", new { name = "blank.md", text = " \n\n\t\n" }, HttpStatusCode.Accepted);

        var document = await WaitUntilSettledAsync(body.GetProperty("documents")[0].GetProperty("id").GetString()!);

        AssertFailedBecause(document, "No text found in 'blank.md'");
    }

    [Fact]
    public async Task Html_with_only_scripts_fails_saying_no_text_was_found()
    {
        var html = "<html><head><script>boot()</script></head><body><script>render()</script><noscript></noscript></body></html>"u8.ToArray();

        AssertFailedBecause(await UploadFileAndSettleAsync("app.html", html), "No text found in 'app.html'");
    }

    [Theory]
    [InlineData("photo.txt")]
    [InlineData("photo.md")]
    public async Task A_binary_file_named_as_text_fails_as_binary_and_nothing_is_searchable(string name)
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x02, 0x00, 0x45, 0x78];

        AssertFailedBecause(await UploadFileAndSettleAsync(name, png), "looks binary, not text");
        Assert.Empty((await _api.Client.PostJsonAsync("/api/search", new { query = "PNG IHDR" })).GetProperty("hits").EnumerateArray());
    }
}
