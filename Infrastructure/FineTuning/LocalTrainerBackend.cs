using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagLab.Core.FineTuning.Training;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>
/// The local LoRA trainer (Trainer/) over its HTTP contract: <c>GET /health</c>, <c>POST /jobs</c> (multipart <c>config</c>,
/// <c>train</c>, <c>validation</c>), <c>GET /jobs/{id}</c>, <c>POST /jobs/{id}/cancel</c>, <c>GET /jobs/{id}/artifacts/{name}</c>.
/// Its result, merged safetensors, is imported into Ollama by <see cref="OllamaModelImporter"/>.
/// </summary>
public sealed class LocalTrainerBackend(HttpClient http, FineTuningOptions options, OllamaModelImporter importer, string workDirectory) : ITrainerBackend
{
    public const string BackendName = "local";

    public string Name => BackendName;

    public string? TrainerModelFor(string baseModel) =>
        baseModel.Length > 0 && options.BaseModels.TryGetValue(baseModel, out var id) ? id : null;

    public async Task<TrainerHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var health = await http.GetFromJsonAsync<TrainerHealthResponse>("health", TrainerJson.Options, cancellationToken);
            return new TrainerHealth(health?.Status == "ok", Name, health?.Gpu?.Name, health?.Gpu?.MemoryGb);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new TrainerHealth(false, Name, null, null, $"The trainer at {http.BaseAddress} does not answer: {ex.Message}");
        }
    }

    public async Task<string> SubmitAsync(TrainerSubmission submission, CancellationToken cancellationToken)
    {
        var h = submission.Hyperparameters;
        var config = new TrainerJobConfig(submission.TrainerModel,
            new TrainerHyperparameters(h.Rank, h.Alpha, h.Dropout, h.LearningRate, h.Epochs, h.BatchSize, h.GradientAccumulation, h.MaxSeqLength));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(JsonSerializer.Serialize(config, TrainerJson.Options), Encoding.UTF8, "application/json"), "config" },
            { Jsonl(submission.TrainJsonl), "train", "train.jsonl" },
            { Jsonl(submission.ValidationJsonl), "validation", "validation.jsonl" },
        };
        using var response = await http.PostAsync("jobs", form, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new TrainerException($"The trainer refused the job ({(int)response.StatusCode}): {await ErrorTextAsync(response, cancellationToken)}");
        var accepted = await response.Content.ReadFromJsonAsync<TrainerJobAccepted>(TrainerJson.Options, cancellationToken);
        return accepted?.Id is { Length: > 0 } id ? id : throw new TrainerException("The trainer accepted the job but sent no job id.");
    }

    private static ByteArrayContent Jsonl(byte[] content)
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        return part;
    }

    public async Task<TrainerJobState> GetStateAsync(string externalId, CancellationToken cancellationToken)
    {
        var job = await GetJobAsync(externalId, cancellationToken);
        var status = job.Status switch
        {
            "queued" => FineTuneStatus.Queued,
            "running" => FineTuneStatus.Running,
            "succeeded" => FineTuneStatus.Succeeded,
            "failed" => FineTuneStatus.Failed,
            "cancelled" => FineTuneStatus.Cancelled,
            _ => throw new TrainerException($"The trainer reports job {externalId} as '{job.Status}', which is not a status of its contract."),
        };
        return new TrainerJobState(status, job.Step, job.TotalSteps,
            [.. (job.Metrics ?? []).Select(m => new TrainingMetric(m.Step, m.Epoch, m.TrainLoss, m.ValidLoss, m.LearningRate))], job.Error);
    }

    internal async Task<TrainerJobResponse> GetJobAsync(string externalId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"jobs/{Uri.EscapeDataString(externalId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new TrainerException($"The trainer no longer knows job {externalId} (was it restarted without its data?).");
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET /jobs/{externalId} answered {(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}", null, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<TrainerJobResponse>(TrainerJson.Options, cancellationToken)
            ?? throw new TrainerException($"The trainer sent an empty answer for job {externalId}.");
    }

    public async Task CancelAsync(string externalId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"jobs/{Uri.EscapeDataString(externalId)}/cancel", null, cancellationToken);
        // 409: it had already finished; the next poll says how.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
            throw new TrainerException($"The trainer refused to cancel job {externalId} ({(int)response.StatusCode}): {await ErrorTextAsync(response, cancellationToken)}");
    }

    public async Task<RegisteredModel> RegisterAsync(FineTuneJob job, string modelName, Func<string, Task> report, CancellationToken cancellationToken)
    {
        var state = await GetJobAsync(job.ExternalId!, cancellationToken);
        if (state.Artifacts is not { Count: > 0 } artifacts)
            throw new TrainerException($"The trainer's job {job.ExternalId} succeeded but lists no artifacts to import.");
        var folder = Path.Combine(workDirectory, job.Id);
        var files = new List<(string Name, string Path, string Digest)>();
        foreach (var artifact in artifacts)
        {
            var path = await DownloadAsync(job.ExternalId!, artifact, folder, report, cancellationToken);
            files.Add((artifact.Name, path, "sha256:" + artifact.Sha256.ToLowerInvariant()));
        }
        await importer.ImportAsync(modelName, job.BaseModel, files, options.Trainer.Quantize, report, cancellationToken);
        // Ollama holds the model now; the downloaded copy is only a few GB of duplicates.
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return new RegisteredModel(modelName, "ollama");
    }

    /// <summary>Streams an artifact to disk while hashing it; a file whose SHA-256 differs from the trainer's is deleted and the job fails.</summary>
    private async Task<string> DownloadAsync(string externalId, TrainerArtifact artifact, string folder, Func<string, Task> report, CancellationToken cancellationToken)
    {
        if (artifact.Name.Length == 0 || artifact.Name != Path.GetFileName(artifact.Name) || artifact.Name is "." or "..")
            throw new TrainerException($"The trainer lists an artifact named '{artifact.Name}', which is not a plain file name.");
        if (artifact.Sha256.Length != 64 || !artifact.Sha256.All(Uri.IsHexDigit))
            throw new TrainerException($"The trainer gives artifact {artifact.Name} the SHA-256 '{artifact.Sha256}', which is not 64 hex digits.");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, artifact.Name);
        if (File.Exists(path) && new FileInfo(path).Length == artifact.Bytes && string.Equals(await Sha256Async(path, cancellationToken), artifact.Sha256, StringComparison.OrdinalIgnoreCase))
            return path; // downloaded before a restart

        using var response = await http.GetAsync($"jobs/{Uri.EscapeDataString(externalId)}/artifacts/{Uri.EscapeDataString(artifact.Name)}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new TrainerException($"The trainer did not send artifact {artifact.Name} ({(int)response.StatusCode}): {await ErrorTextAsync(response, cancellationToken)}");
        string actual;
        await using (var source = await response.Content.ReadAsStreamAsync(cancellationToken))
        await using (var target = File.Create(path))
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        if (!string.Equals(actual, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(path);
            throw new TrainerException($"Artifact {artifact.Name} arrived with SHA-256 {actual}, not the {artifact.Sha256.ToLowerInvariant()} the trainer listed: digest mismatch, nothing was imported.");
        }
        await report($"Downloaded {artifact.Name} ({artifact.Bytes:N0} bytes, SHA-256 checked).");
        return path;
    }

    internal static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            foreach (var name in new[] { "error", "detail", "message" })
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    return value.GetString()!;
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the best there is.
        }
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
