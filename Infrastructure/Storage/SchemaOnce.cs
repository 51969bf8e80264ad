namespace RagLab.Infrastructure.Storage;

/// <summary>
/// Creates a store's tables once per process, on first use. Unlike a <see cref="Lazy{T}"/> of the task, a failed attempt
/// (Postgres not reachable yet, or restarting) is not kept: the next use tries again.
/// </summary>
internal sealed class SchemaOnce(Func<Task> create)
{
    private readonly Lock _gate = new();
    private Task? _creation;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        Task creation;
        lock (_gate)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled) _creation = create();
            creation = _creation;
        }
        return creation.WaitAsync(cancellationToken);
    }
}
