using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.ModelClients;

/// <summary>The embedding counterpart of <see cref="ModelCallErrorChatClient"/>.</summary>
internal sealed class ModelCallErrorEmbeddingGenerator(
    IEmbeddingGenerator<string, Embedding<float>> inner, Func<Exception, ModelCallException?> translate)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}
