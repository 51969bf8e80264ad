using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp;
using OllamaSharp.Models;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>
/// Imports merged safetensors into Ollama as a named model, through OllamaSharp, as reference/ollama/api.md describes:
/// each file pushed as a blob (<c>HEAD /api/blobs/:digest</c> first, skipped when present), then <c>POST /api/create</c> with
/// <c>files</c>, the base model's <c>template</c> and <c>parameters</c> from <c>/api/show</c>, and <c>quantize</c>. A failed create
/// deletes whatever of the model exists, so nothing stays half-registered (pushed blobs are content-addressed cache, not a model).
/// </summary>
public sealed class OllamaModelImporter(HttpClient http, OllamaModelRemover remover, ILogger<OllamaModelImporter>? logger = null)
{
    private readonly OllamaApiClient _ollama = new(http);
    private readonly ILogger _logger = logger ?? NullLogger<OllamaModelImporter>.Instance;

    public async Task ImportAsync(string modelName, string baseModel, IReadOnlyList<(string Name, string Path, string Digest)> files, string? quantize,
        Func<string, Task> report, CancellationToken cancellationToken)
    {
        ShowModelResponse show;
        try
        {
            show = await _ollama.ShowModelAsync(new ShowModelRequest { Model = baseModel }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TrainerException($"Ollama at {http.BaseAddress} could not show the base model '{baseModel}', whose template and parameters the new model takes: {ex.Message}", ex);
        }

        foreach (var (name, path, digest) in files)
            await PushBlobAsync(name, path, digest, report, cancellationToken);

        var request = new CreateModelRequest
        {
            Model = modelName,
            Files = files.ToDictionary(f => f.Name, f => f.Digest, StringComparer.Ordinal),
            Template = string.IsNullOrEmpty(show.Template) ? null! : show.Template,
            Parameters = OllamaModelfileParameters.Parse(show.Parameters) is { Count: > 0 } parameters ? parameters : null!,
            Quantize = string.IsNullOrWhiteSpace(quantize) ? null! : quantize,
            Stream = true,
        };
        string? last = null;
        try
        {
            await foreach (var status in _ollama.CreateModelAsync(request, cancellationToken))
            {
                if (status?.Status is not { Length: > 0 } text || text == last) continue;
                last = text;
                if (!text.StartsWith("quantizing", StringComparison.Ordinal)) await report($"Ollama: {text}");
            }
            if (last != "success")
                throw new TrainerException($"Ollama ended the create of {modelName} with '{last ?? "nothing"}' instead of 'success'.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await TryDeleteAsync(modelName);
            throw ex as TrainerException ?? new TrainerException($"Ollama refused to create {modelName}: {ex.Message}", ex);
        }
        catch (OperationCanceledException)
        {
            await TryDeleteAsync(modelName);
            throw;
        }
    }

    /// <summary>Cleans up after a failed create; a failure here is logged, the create's own error is what the user sees.</summary>
    private async Task TryDeleteAsync(string modelName)
    {
        try
        {
            await remover.DeleteAsync(modelName, CancellationToken.None);
        }
        catch (DependencyUnavailableException ex)
        {
            _logger.LogWarning(ex, "Cleanup after a failed create of {Model} did not finish", modelName);
        }
    }

    private async Task PushBlobAsync(string name, string path, string digest, Func<string, Task> report, CancellationToken cancellationToken)
    {
        if (await _ollama.IsBlobExistsAsync(digest, cancellationToken))
        {
            await report($"Blob of {name} is already in Ollama ({digest}); not pushed again.");
            return;
        }
        // OllamaSharp's PushBlobAsync takes the whole file as one byte[]; a merged model is gigabytes, so it is streamed here.
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file, 1 << 20);
        using var response = await http.PostAsync($"api/blobs/{digest}", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created && !response.IsSuccessStatusCode)
            throw new TrainerException($"Ollama refused the blob of {name} ({digest}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await report($"Pushed {name} to Ollama as {digest}.");
    }
}
