using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.ModelClients;

/// <summary>
/// Bounds every chat call in time and feeds its outcome to the <see cref="ModelCircuit"/>: a streamed answer must send a chunk
/// at least every <c>idleTimeout</c> and finish within <c>totalTimeout</c> (the HTTP client's timeout covers only the
/// headers, not a body that trickles or stalls); a call that does not ends in <see cref="ModelTimeoutException"/> (504).
/// Shared by every model provider (Ollama, OpenAI-compatible); <paramref name="settingsSection"/> names where its timeouts are set.
/// </summary>
/// <param name="settingsSection">The provider's configuration section, e.g. <c>RagLab:Ollama</c>, named in timeout messages.</param>
internal sealed class GuardedChatClient(
    IChatClient inner, ModelCircuit circuit, string server, string settingsSection, TimeSpan idleTimeout, TimeSpan totalTimeout)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(totalTimeout);
        try
        {
            var response = await base.GetResponseAsync(messages, options, total.Token).ConfigureAwait(false);
            circuit.RecordSuccess();
            return response;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(new ModelTimeoutException($"The model server at {server} did not answer within {totalTimeout.TotalSeconds:0} s " +
                $"({settingsSection}:RequestTimeout). It may be overloaded or stuck; check it, or raise the timeout.", ex));
        }
        catch (ModelCallException ex)
        {
            throw Failed(ex);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(totalTimeout);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
        var updates = base.GetStreamingResponseAsync(messages, options, idle.Token).GetAsyncEnumerator(idle.Token);
        var finished = false;
        try
        {
            while (true)
            {
                try
                {
                    // Raced against the clock rather than trusting the library to honour cancellation inside a blocked read.
                    if (!await updates.MoveNextAsync().AsTask().WaitAsync(idleTimeout, total.Token).ConfigureAwait(false)) break;
                }
                catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    idle.Cancel();
                    throw Failed(total.IsCancellationRequested
                        ? new ModelTimeoutException($"The model server at {server} did not finish its answer within {totalTimeout.TotalSeconds:0} s " +
                            $"({settingsSection}:RequestTimeout). It may be overloaded; check it, or raise the timeout.", ex)
                        : new ModelTimeoutException($"The model server at {server} sent nothing for {idleTimeout.TotalSeconds:0.#} s in the middle of " +
                            $"its answer ({settingsSection}:StreamIdleTimeout); the answer was abandoned. Check the server.", ex));
                }
                catch (ModelCallException ex)
                {
                    throw Failed(ex);
                }
                yield return updates.Current;
            }
            finished = true;
        }
        finally
        {
            // A stalled read may still be pending: dispose in the background instead of waiting on it.
            var dispose = finished ? updates.DisposeAsync().AsTask() : Task.Run(async () => await updates.DisposeAsync());
            _ = dispose.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            if (finished) await dispose.ConfigureAwait(false);
        }
        circuit.RecordSuccess();
    }

    private ModelCallException Failed(ModelCallException error)
    {
        circuit.RecordFailure(error);
        return error;
    }
}
