using Microsoft.Extensions.Hosting;
using RagLab.Core.Evaluation.Sets;

namespace RagLab.Infrastructure.Storage;

/// <summary>Creates the eval tables at start, so the first request does not pay for it (the store also does it lazily).</summary>
internal sealed class EvalSchemaInitializer(IEvalStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
