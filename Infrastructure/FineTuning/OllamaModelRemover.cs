using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp;
using OllamaSharp.Models;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>
/// Deletes models from the Ollama server the lab chats with, through OllamaSharp (<c>GET /api/tags</c>, then
/// <c>DELETE /api/delete</c>). Registered whatever the trainer: deleting an Ollama version is an Ollama call.
/// </summary>
public sealed class OllamaModelRemover(HttpClient http, ILogger<OllamaModelRemover>? logger = null) : IServedModelRemover
{
    private readonly OllamaApiClient _ollama = new(http);
    private readonly ILogger _logger = logger ?? NullLogger<OllamaModelRemover>.Instance;

    public string Provider => "ollama";

    public async Task DeleteAsync(string modelName, CancellationToken cancellationToken)
    {
        try
        {
            // Listing first makes a model that is already gone a no-op instead of a 404 to interpret.
            var models = await _ollama.ListLocalModelsAsync(cancellationToken);
            if (!models.Any(m => SameModel(m.Name, modelName))) return;
            await _ollama.DeleteModelAsync(new DeleteModelRequest { Model = modelName }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Could not delete model {Model} from Ollama", modelName);
            throw new DependencyUnavailableException($"Could not delete {modelName} from Ollama at {http.BaseAddress}: {ex.Message}");
        }
    }

    private static bool SameModel(string a, string b) => string.Equals(WithTag(a), WithTag(b), StringComparison.OrdinalIgnoreCase);

    private static string WithTag(string name) => name[(name.LastIndexOf('/') + 1)..].Contains(':') ? name : name + ":latest";
}
