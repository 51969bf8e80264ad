using System.Net;
using System.Text;
using System.Text.Json;

namespace RagLab.Api.Tests;

/// <summary>A training-data upload with bad lines: refused whole, every bad line named by its number in the problem's <c>errors</c>.</summary>
public sealed class DatasetUploadErrorTests : IDisposable
{
    private readonly ApiTestHost _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Bad_lines_are_listed_by_number_and_nothing_is_stored()
    {
        const string good = """{"messages": [{"role": "user", "content": "How long is the refund window?"}, {"role": "assistant", "content": "30 days."}]}""";
        var lines = new[] { good, "{not json", good, """{"messages": [{"role": "user", "content": "Hi"}]}""" };
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join('\n', lines))), "file", "support.jsonl" },
            { new StringContent("support"), "name" },
        };

        var response = await _api.Client.PostAsync("/api/datasets/upload", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("message").GetString())).ToList();
        Assert.Equal([2, 4], errors.Select(e => e.Item1));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Item2)));
        Assert.Contains("line 2", problem.GetProperty("detail").GetString());
        var datasets = JsonDocument.Parse(await _api.Client.GetStringAsync("/api/datasets")).RootElement;
        Assert.Equal(0, datasets.GetArrayLength());
    }
}
