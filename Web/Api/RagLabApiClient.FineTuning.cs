using RagLab.Contracts;

namespace RagLab.Web;

public sealed partial class RagLabApiClient
{
    /// <summary><c>GET /api/finetunes</c>: the fine-tuning jobs, newest first.</summary>
    /// <exception cref="Api.ApiException">With <see cref="Api.ApiException.IsNotFound"/> when the Api has no fine-tuning routes.</exception>
    public async Task<IReadOnlyList<FineTuneResponse>> GetFineTunesAsync(CancellationToken cancellationToken) =>
        await GetAsync<List<FineTuneResponse>>("/api/finetunes", cancellationToken);

    public Task<FineTuneResponse> GetFineTuneAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<FineTuneResponse>($"/api/finetunes/{Uri.EscapeDataString(id)}", cancellationToken);

    /// <summary>The job's events numbered after <paramref name="after"/> (status changes, losses, messages), oldest first.</summary>
    public async Task<IReadOnlyList<FineTuneEventResponse>> GetFineTuneEventsAsync(string id, long after, CancellationToken cancellationToken) =>
        await GetAsync<List<FineTuneEventResponse>>($"/api/finetunes/{Uri.EscapeDataString(id)}/events?after={after}", cancellationToken);

    /// <summary><c>POST /api/finetunes</c>: starts a job (202); the Api checks the dataset, the trainer and the base model first.</summary>
    public Task<FineTuneResponse> StartFineTuneAsync(CreateFineTuneRequest request, CancellationToken cancellationToken) =>
        PostJsonAsync<FineTuneResponse>("/api/finetunes", request, cancellationToken);

    public Task<FineTuneResponse> CancelFineTuneAsync(string id, CancellationToken cancellationToken) =>
        PostAsync<FineTuneResponse>($"/api/finetunes/{Uri.EscapeDataString(id)}/cancel", cancellationToken);

    public async Task<IReadOnlyList<DatasetResponse>> GetDatasetsAsync(CancellationToken cancellationToken) =>
        await GetAsync<List<DatasetResponse>>("/api/datasets", cancellationToken);

    /// <summary><c>POST /api/datasets</c>: starts building a dataset from a collection (202); it is listed as <c>building</c> until its job ends.</summary>
    public Task<DatasetResponse> BuildDatasetAsync(CreateDatasetRequest request, CancellationToken cancellationToken) =>
        PostJsonAsync<DatasetResponse>("/api/datasets", request, cancellationToken);

    /// <summary>Uploads chat JSON Lines (<c>POST /api/datasets/upload</c>, multipart <c>file</c>, <c>name</c>, <c>collection</c>); a 400 names each bad line.</summary>
    public async Task<DatasetResponse> UploadDatasetAsync(string name, string? collection, string fileName, Stream content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent();
            form.Add(File(content), "file", fileName);
            form.Add(new StringContent(name), "name");
            if (!string.IsNullOrEmpty(collection)) form.Add(new StringContent(collection), "collection");
            return new HttpRequestMessage(HttpMethod.Post, "/api/datasets/upload") { Content = form };
        }, cancellationToken);
        return await ReadAsync<DatasetResponse>(response, cancellationToken);
    }

    /// <summary>A dataset with its statistics and its first examples of each split.</summary>
    public Task<DatasetDetails> GetDatasetAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<DatasetDetails>($"/api/datasets/{Uri.EscapeDataString(id)}", cancellationToken);

    /// <summary><c>GET /api/models</c>: the chat model, the configured trainers, and every collection's fine-tuned versions.</summary>
    public Task<ModelsResponse> GetModelsAsync(CancellationToken cancellationToken) =>
        GetAsync<ModelsResponse>("/api/models", cancellationToken);

    /// <summary>Makes a version the one its collection's <c>finetuned</c> and <c>hybrid</c> modes answer with.</summary>
    public Task<ModelVersionResponse> ActivateVersionAsync(string id, CancellationToken cancellationToken) =>
        PostAsync<ModelVersionResponse>($"/api/finetunes/versions/{Uri.EscapeDataString(id)}/activate", cancellationToken);

    /// <summary>Deletes a version and its served model; the Api keeps it (503) when the model server does not answer.</summary>
    public Task DeleteVersionAsync(string id, CancellationToken cancellationToken) =>
        DeleteAsync($"/api/finetunes/versions/{Uri.EscapeDataString(id)}", cancellationToken);

    private async Task<T> PostAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }
}
