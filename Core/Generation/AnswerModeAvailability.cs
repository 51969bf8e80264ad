using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// Says which registered modes can answer on a collection right now, and why the others cannot: a mode without an extractive
/// fallback needs a connected chat model, and each mode checks the rest itself (<see cref="IAnswerMode.CheckAvailabilityAsync"/>).
/// </summary>
public sealed class AnswerModeAvailability(IEnumerable<IAnswerMode> modes, IModelProvider models)
{
    private readonly IReadOnlyList<IAnswerMode> _modes = [.. modes];

    /// <summary>Every registered mode, in registration order, with its availability on <paramref name="collection"/> as <paramref name="scope"/> sees it.</summary>
    /// <param name="scope">The caller's view: a mode is judged over the documents it may read, as the caller's answer would be.</param>
    /// <exception cref="ValidationException">The collection name is invalid.</exception>
    public async Task<IReadOnlyList<(IAnswerMode Mode, ModeAvailability Availability)>> CheckAllAsync(string? collection, ReaderScope scope, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        var chatConnected = await models.GetChatClientAsync(cancellationToken) is not null;
        var status = chatConnected ? null : await models.GetStatusAsync(cancellationToken);
        var result = new List<(IAnswerMode, ModeAvailability)>(_modes.Count);
        foreach (var mode in _modes)
            result.Add((mode, await CheckAsync(mode, name, scope, status, cancellationToken)));
        return result;
    }

    /// <summary>One mode's availability on <paramref name="collection"/> as <paramref name="scope"/> sees it.</summary>
    public async Task<ModeAvailability> CheckAsync(IAnswerMode mode, string collection, ReaderScope scope, CancellationToken cancellationToken)
    {
        var status = await models.GetChatClientAsync(cancellationToken) is null ? await models.GetStatusAsync(cancellationToken) : null;
        return await CheckAsync(mode, CollectionName.Normalize(collection), scope, status, cancellationToken);
    }

    /// <param name="noChat">The model status when no chat model is connected; null when one is.</param>
    private static async Task<ModeAvailability> CheckAsync(IAnswerMode mode, string collection, ReaderScope scope, ModelStatus? noChat, CancellationToken cancellationToken)
    {
        if (noChat is not null)
        {
            return mode.SupportsExtractiveFallback
                ? new ModeAvailability(true, "No language model is connected: answers are extractive (sentences copied from the top chunks).")
                : ModeAvailability.Unavailable(QuestionAnswerer.NoModelMessage(mode.Name, noChat));
        }
        return await mode.CheckAvailabilityAsync(collection, scope, cancellationToken);
    }
}
