using System.Text.Json;
using RagLab.Contracts;

namespace RagLab.Api.Tests;

/// <summary>What a client generator reads from /openapi/v1.json: every JSON response names its contract type.</summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly ApiTestHost _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task The_report_ask_and_run_responses_have_their_contract_schemas()
    {
        var openApi = await _api.Client.GetJsonAsync("/openapi/v1.json");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { nameof(DecisionReport), nameof(EvalRunResponse), nameof(AskResponse) })
            Assert.True(schemas.TryGetProperty(name, out _), $"no '{name}' schema in /openapi/v1.json");
        var reportProperties = schemas.GetProperty(nameof(DecisionReport)).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["recommendation", "confidence", "reasons", "warnings", "ruledOut", "questionnaire", "summary", "thresholds"], reportProperties);

        // The report is JSON by default and Markdown with ?format=md: the 200 describes both.
        var ok = openApi.GetProperty("paths").GetProperty("/api/evalruns/{id}/report").GetProperty("post").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal($"#/components/schemas/{nameof(DecisionReport)}", ok.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("string", ok.GetProperty("text/markdown").GetProperty("schema").GetProperty("type").GetString());

        var run = openApi.GetProperty("paths").GetProperty("/api/evalruns/{id}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal($"#/components/schemas/{nameof(EvalRunResponse)}", run.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var ask = openApi.GetProperty("paths").GetProperty("/api/ask").GetProperty("post").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.Equal($"#/components/schemas/{nameof(AskResponse)}", ask.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task Every_successful_json_response_refers_to_a_contract_schema()
    {
        var openApi = await _api.Client.GetJsonAsync("/openapi/v1.json");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        var missing = new List<string>();
        foreach (var path in openApi.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        foreach (var operation in path.Value.EnumerateObject())
        foreach (var response in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2') && r.Name != "204"))
        {
            var where = $"{operation.Name.ToUpperInvariant()} {path.Name} {response.Name}";
            // The answer stream is Server-Sent Events; its events are described by AskStreamEvent's documentation.
            if (path.Name == "/api/ask/stream") continue;
            if (!response.Value.TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out var json))
                missing.Add($"{where}: no application/json content");
            else if (SchemaName(json.GetProperty("schema")) is not { } name || !schemas.TryGetProperty(name, out _))
                missing.Add($"{where}: {json.GetProperty("schema")} names no schema of the document");
        }
        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    /// <summary>The component a response schema refers to, directly or as the items of an array.</summary>
    private static string? SchemaName(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference)) return reference.GetString()?.Split('/')[^1];
        return schema.TryGetProperty("items", out var items) ? SchemaName(items) : null;
    }
}
