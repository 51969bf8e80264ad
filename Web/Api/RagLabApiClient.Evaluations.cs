using System.Net.Http.Headers;
using RagLab.Contracts;

namespace RagLab.Web;

public sealed partial class RagLabApiClient
{
    public async Task<IReadOnlyList<EvalSetResponse>> GetEvalSetsAsync(CancellationToken cancellationToken) =>
        await GetAsync<List<EvalSetResponse>>("/api/evalsets", cancellationToken);

    public Task<EvalSetDetails> GetEvalSetAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<EvalSetDetails>($"/api/evalsets/{Uri.EscapeDataString(id)}", cancellationToken);

    public Task DeleteEvalSetAsync(string id, CancellationToken cancellationToken) =>
        DeleteAsync($"/api/evalsets/{Uri.EscapeDataString(id)}", cancellationToken);

    /// <summary>Imports a JSON Lines eval set (<c>POST /api/evalsets</c>, multipart <c>file</c>, <c>name</c>, <c>collection</c>).</summary>
    public async Task<EvalSetResponse> ImportEvalSetAsync(string name, string? collection, string fileName, Stream content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent();
            form.Add(File(content), "file", fileName);
            form.Add(new StringContent(name), "name");
            if (!string.IsNullOrEmpty(collection)) form.Add(new StringContent(collection), "collection");
            return new HttpRequestMessage(HttpMethod.Post, "/api/evalsets") { Content = form };
        }, cancellationToken);
        return await ReadAsync<EvalSetResponse>(response, cancellationToken);
    }

    /// <summary>Imports a BEIR dataset (<c>POST /api/evalsets/beir</c>): the corpus is ingested, the judged queries become a set.</summary>
    public async Task<BeirImportResponse> ImportBeirAsync(string? collection, string? split, Stream corpus, Stream queries, Stream qrels, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent();
            form.Add(File(corpus), "corpus", "corpus.jsonl");
            form.Add(File(queries), "queries", "queries.jsonl");
            form.Add(File(qrels), "qrels", "qrels.tsv");
            if (!string.IsNullOrEmpty(collection)) form.Add(new StringContent(collection), "collection");
            if (!string.IsNullOrEmpty(split)) form.Add(new StringContent(split), "split");
            return new HttpRequestMessage(HttpMethod.Post, "/api/evalsets/beir") { Content = form };
        }, cancellationToken);
        return await ReadAsync<BeirImportResponse>(response, cancellationToken);
    }

    public Task<JobAccepted> GenerateEvalSetAsync(GenerateEvalSetRequest request, CancellationToken cancellationToken) =>
        PostJsonAsync<JobAccepted>("/api/evalsets/generate", request, cancellationToken);

    public Task<EvalSetGenerationStatus> GetEvalSetGenerationAsync(string jobId, CancellationToken cancellationToken) =>
        GetAsync<EvalSetGenerationStatus>($"/api/evalsets/generate/{Uri.EscapeDataString(jobId)}", cancellationToken);

    public Task<EvalRunAccepted> StartEvalRunAsync(StartEvalRunRequest request, CancellationToken cancellationToken) =>
        PostJsonAsync<EvalRunAccepted>("/api/evalruns", request, cancellationToken);

    public async Task<IReadOnlyList<EvalRunResponse>> GetEvalRunsAsync(CancellationToken cancellationToken) =>
        await GetAsync<List<EvalRunResponse>>("/api/evalruns", cancellationToken);

    public Task<EvalRunResponse> GetEvalRunAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<EvalRunResponse>($"/api/evalruns/{Uri.EscapeDataString(id)}", cancellationToken);

    public Task DeleteEvalRunAsync(string id, CancellationToken cancellationToken) =>
        DeleteAsync($"/api/evalruns/{Uri.EscapeDataString(id)}", cancellationToken);

    public async Task<IReadOnlyList<EvalQuestionResult>> GetEvalResultsAsync(string runId, CancellationToken cancellationToken) =>
        await GetAsync<List<EvalQuestionResult>>($"/api/evalruns/{Uri.EscapeDataString(runId)}/results", cancellationToken);

    public Task<DecisionReport> GetDecisionReportAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken) =>
        PostJsonAsync<DecisionReport>($"/api/evalruns/{Uri.EscapeDataString(runId)}/report?format=json", questionnaire, cancellationToken);

    /// <summary>The decision report as the Api writes it in Markdown (<c>?format=md</c>).</summary>
    public async Task<string> GetDecisionReportMarkdownAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"/api/evalruns/{Uri.EscapeDataString(runId)}/report?format=md")
        {
            Content = System.Net.Http.Json.JsonContent.Create(questionnaire, options: RagLabJson.Options),
        }, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public Task<JobAccepted> StartFreshnessProbeAsync(FreshnessProbeRequest request, CancellationToken cancellationToken) =>
        PostJsonAsync<JobAccepted>("/api/evalruns/freshness", request, cancellationToken);

    public Task<FreshnessProbeStatus> GetFreshnessProbeAsync(string jobId, CancellationToken cancellationToken) =>
        GetAsync<FreshnessProbeStatus>($"/api/evalruns/freshness/{Uri.EscapeDataString(jobId)}", cancellationToken);

    private static StreamContent File(Stream content)
    {
        var file = new StreamContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return file;
    }
}
