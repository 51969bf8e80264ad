using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RagLab.Api.Tests;

/// <summary>The evaluation lab's calls as a user (or the CLI) makes them: import a set, start a run, wait for its job.</summary>
internal static class EvalTestClient
{
    public static MultipartFormDataContent JsonlForm(string name, string jsonl, string? collection = null)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonl));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var form = new MultipartFormDataContent { { file, "file", name + ".jsonl" }, { new StringContent(name), "name" } };
        if (collection is not null) form.Add(new StringContent(collection), "collection");
        return form;
    }

    /// <summary>Imports a JSON Lines eval set and returns the created set.</summary>
    public static async Task<JsonElement> ImportEvalSetAsync(this HttpClient client, string name, string jsonl, string? collection = null)
    {
        using var form = JsonlForm(name, jsonl, collection);
        using var response = await client.PostAsync("/api/evalsets", form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/evalsets returned {(int)response.StatusCode}: {text}");
        var set = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal($"/api/evalsets/{set.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        return set;
    }

    /// <summary>Starts a run and waits for its job to succeed; returns the run id.</summary>
    public static async Task<string> RunEvalAsync(this HttpClient client, object request)
    {
        var accepted = await client.PostJsonAsync("/api/evalruns", request, HttpStatusCode.Accepted);
        var job = await client.WaitForJobAsync(accepted.GetProperty("jobId").GetString()!);
        Assert.True(job.GetProperty("status").GetString() == "succeeded", $"The eval run's job did not succeed: {job}");
        return accepted.GetProperty("runId").GetString()!;
    }

    /// <summary>POSTs the questionnaire to the run's report and returns the JSON report.</summary>
    public static Task<JsonElement> ReportAsync(this HttpClient client, string runId, object questionnaire) =>
        client.PostJsonAsync($"/api/evalruns/{runId}/report", questionnaire);

    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        return problem;
    }
}
