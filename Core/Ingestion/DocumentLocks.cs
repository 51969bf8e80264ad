namespace RagLab.Core.Ingestion;

/// <summary>
/// One writer per document in this process: an ingest commit (store, indexes, ready) or a delete holds its documents'
/// locks, so the two never interleave on one document and the indexes never hold chunks of two of its versions.
/// Written by hand because no keyed async lock is on the package feed; it is a dictionary of counted semaphores.
/// </summary>
/// <remarks>
/// Writers in other processes (a Worker beside the Api, the CLI) are not excluded by this lock; for them every write is
/// version-checked in the store, and a commit that lost its version undoes its index writes (see <see cref="IngestionPipeline"/>).
/// </remarks>
public sealed class DocumentLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Waits for every one of <paramref name="documentIds"/> (taken in ordinal order, so two writers never deadlock).</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<string> documentIds, CancellationToken cancellationToken)
    {
        var ids = documentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var held = new List<string>(ids.Length);
        try
        {
            foreach (var id in ids)
            {
                Entry entry;
                lock (_entries)
                {
                    if (!_entries.TryGetValue(id, out entry!)) _entries[id] = entry = new Entry();
                    entry.Users++;
                }
                try
                {
                    await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Leave(id, release: false);
                    throw;
                }
                held.Add(id);
            }
        }
        catch
        {
            foreach (var id in held) Leave(id, release: true);
            throw;
        }
        return new Release(this, held);
    }

    /// <summary>Documents some writer holds or waits for (the dictionary never keeps an unused entry).</summary>
    public int Count
    {
        get { lock (_entries) return _entries.Count; }
    }

    private void Leave(string id, bool release)
    {
        lock (_entries)
        {
            var entry = _entries[id];
            if (release) entry.Gate.Release();
            if (--entry.Users == 0)
            {
                _entries.Remove(id);
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public int Users { get; set; }
    }

    private sealed class Release(DocumentLocks owner, List<string> ids) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            foreach (var id in ids) owner.Leave(id, release: true);
        }
    }
}
