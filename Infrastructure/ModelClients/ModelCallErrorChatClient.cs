using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.ModelClients;

/// <summary>
/// Turns a model library's transport and server errors into <see cref="ModelCallException"/> with a message a user can act on,
/// so Core and the Api see one exception type whichever library is underneath.
/// </summary>
/// <param name="translate">Builds the actionable exception; returns null for errors that are not the model server's (they pass through).</param>
internal sealed class ModelCallErrorChatClient(IChatClient inner, Func<Exception, ModelCallException?> translate) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && translate(ex) is { } translated)
        {
            throw translated;
        }

        await using (updates.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        yield break;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && translate(ex) is { } translated)
                {
                    throw translated;
                }
                yield return updates.Current;
            }
        }
    }
}
