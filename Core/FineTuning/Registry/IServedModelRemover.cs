namespace RagLab.Core.FineTuning.Registry;

/// <summary>
/// Deletes a version's model where it is served: Ollama, or the OpenAI-compatible fine-tuning API's server. This is a call to
/// the serving side only, so it needs no trainer (a version trained elsewhere, or by a trainer since switched off, still deletes).
/// </summary>
public interface IServedModelRemover
{
    /// <summary>Which <see cref="ModelVersion.Provider"/> this removes from: <c>ollama</c> or <c>openai</c>.</summary>
    string Provider { get; }

    /// <summary>Deletes <paramref name="modelName"/>; a model already gone is not an error.</summary>
    /// <exception cref="Kernel.DependencyUnavailableException">The server does not answer or refuses; the message names it.</exception>
    Task DeleteAsync(string modelName, CancellationToken cancellationToken);
}
