using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Checks a run request against what this process has before a run is created, so mistakes are reported at once
/// instead of as a failed job: unknown sets, modes or retrievers, retrievers that need embeddings, modes that need a
/// chat model while none is connected, and modes with a model of their own that the set's collection does not have
/// (<c>finetuned</c> and <c>hybrid</c> without an active fine-tuned version).
/// </summary>
/// <param name="store">Finds the set's collection, so each mode can say whether it can answer on it (e.g. whether it fits long context).</param>
/// <param name="availability">Each mode's own checks on that collection.</param>
/// <param name="vectorModels">Refuses a named dense or hybrid retriever on a collection whose vectors another embedding model made (it needs a re-embed).</param>
public sealed class EvalRunPreflight(IQuestionAnswerer answerer, IEnumerable<IAnswerMode> modes, IRetrieverCatalog retrievers, IModelProvider models,
    IEvalStore store, AnswerModeAvailability? availability = null, VectorModelGuard? vectorModels = null)
{
    private readonly Dictionary<string, IAnswerMode> _modes = modes.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    /// <exception cref="ValidationException">A bad value, an unknown mode or an unknown retriever.</exception>
    /// <exception cref="NotFoundException">The set does not exist.</exception>
    /// <exception cref="DependencyUnavailableException">A retriever needs embeddings, a mode needs a chat model that is not connected, or a
    /// mode's own model is missing (the message says how to get one).</exception>
    public async Task CheckAsync(EvalRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var unknown = request.Modes.FirstOrDefault(m => !answerer.Modes.Contains(m.Trim(), StringComparer.OrdinalIgnoreCase));
        if (unknown is not null)
            throw new ValidationException($"Unknown mode '{unknown}'. Use one of: {string.Join(", ", answerer.Modes)}.");
        var set = await store.GetSetAsync(request.SetId, cancellationToken)
            ?? throw new NotFoundException($"Eval set '{request.SetId}' does not exist; list sets to find its id.");
        foreach (var retriever in request.Retrievers ?? [])
            await retrievers.ResolveAsync(retriever, set.Collection, cancellationToken); // throws for unknown names and missing embeddings
        await CheckVectorsAsync(request, set.Collection, cancellationToken);
        // A mode with a model of its own resolves it for the set's collection as an answer would, so a collection without an
        // active fine-tuned version refuses the run now, with how to create one, instead of failing every question of it.
        var ownModel = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in request.Modes)
            if (_modes.TryGetValue(name.Trim(), out var mode) && await mode.ResolveModelAsync(set.Collection, cancellationToken) is not null)
                ownModel.Add(mode.Name);

        var needsModel = request.Modes
            .Where(m => _modes.TryGetValue(m.Trim(), out var mode) && !mode.SupportsExtractiveFallback && !ownModel.Contains(mode.Name)).ToArray();
        if (needsModel.Length > 0 && await models.GetChatClientAsync(cancellationToken) is null)
        {
            var status = await models.GetStatusAsync(cancellationToken);
            throw new DependencyUnavailableException(
                $"The mode{(needsModel.Length > 1 ? "s" : "")} {string.Join(", ", needsModel.Select(m => $"'{m}'"))} need{(needsModel.Length > 1 ? "" : "s")} a language model, and none is connected" +
                (status.Error is null ? "." : $": {status.Error}.") +
                " Start Ollama and run `ollama pull qwen2.5:1.5b`, or evaluate only 'rag' (it answers extractively without a model).");
        }

        if (availability is null) return;
        foreach (var name in request.Modes)
        {
            if (!_modes.TryGetValue(name.Trim(), out var mode)) continue;
            // The run's view, as its answers will see the collection (long context fits a reader's documents, not everyone's).
            var check = await availability.CheckAsync(mode, set.Collection, request.Scope, cancellationToken);
            if (!check.Available)
                throw new ValidationException($"The '{mode.Name}' mode cannot answer on collection '{set.Collection}': {check.Reason} Leave it out of the run, or fix this first.");
        }
    }

    /// <summary>
    /// A run that retrieves by meaning (dense, hybrid, or the default when it is hybrid) needs the collection's vectors from the configured
    /// model. The default is never refused: on such a collection it resolves to bm25, and the run records bm25 and says why in its warnings.
    /// </summary>
    /// <exception cref="ReembedRequiredException">They come from another model.</exception>
    private async Task CheckVectorsAsync(EvalRunRequest request, string collection, CancellationToken cancellationToken)
    {
        if (vectorModels is null || !request.Modes.Any(m => _modes.TryGetValue(m.Trim(), out var mode) && mode.UsesRetrieval)) return;
        if (await models.GetEmbeddingGeneratorAsync(cancellationToken) is not { } generator) return;
        IReadOnlyList<string?> named = request.Retrievers is { Count: > 0 } given ? [.. given] : [null];
        foreach (var name in named)
            if ((await retrievers.ResolveAsync(name, collection, cancellationToken)).Retriever.RequiresEmbeddings)
            {
                await vectorModels.EnsureSameModelAsync(collection, EmbeddingModelId.Of(generator), cancellationToken);
                return;
            }
    }
}
