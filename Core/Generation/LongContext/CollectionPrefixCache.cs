using System.Collections.Concurrent;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation.LongContext;

/// <summary>
/// Reads each collection's <see cref="CollectionPrefix"/> once per index generation and reader's view, and keeps the latest of each.
/// A view's prefix holds only the chunks of documents it may read, so a forbidden document is never sent to the model for that
/// reader. Reading stops keeping chunk text once the collection outgrows the largest window asked about, so a huge collection is
/// measured, not held in memory.
/// </summary>
public sealed class CollectionPrefixCache(IDocumentStore documents)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<CollectionPrefix>>> _prefixes = new(StringComparer.Ordinal);

    /// <summary>The whole collection's prefix (every document).</summary>
    public Task<CollectionPrefix> GetAsync(string collection, int maxTokens, CancellationToken cancellationToken) =>
        GetAsync(collection, maxTokens, ReaderScope.Everything, cancellationToken);

    /// <param name="maxTokens">The largest window the prefix may fill; a collection larger than that is only measured.</param>
    /// <param name="scope">Whose view: the prefix holds (and measures) only the chunks of documents it may read.</param>
    public async Task<CollectionPrefix> GetAsync(string collection, int maxTokens, ReaderScope scope, CancellationToken cancellationToken)
    {
        var generation = await documents.GetGenerationAsync(collection, cancellationToken);
        var maxCharacters = (long)(maxTokens * PromptBudget.WindowCharactersPerToken);
        var key = scope.IsEverything ? collection : $"{collection}\u001f{scope.CacheKey()}";
        while (true)
        {
            var entry = _prefixes.GetOrAdd(key, _ => new Lazy<Task<CollectionPrefix>>(() => ReadAsync(collection, scope, generation, maxCharacters)));
            CollectionPrefix prefix;
            try
            {
                prefix = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _prefixes.TryRemove(KeyValuePair.Create(key, entry));
                throw;
            }
            // Stale (the collection changed) or read for a smaller window than this caller allows: read again.
            if (prefix.Generation == generation && (prefix.Fits || prefix.Characters > maxCharacters)) return prefix;
            _prefixes.TryUpdate(key, new Lazy<Task<CollectionPrefix>>(() => ReadAsync(collection, scope, generation, maxCharacters)), entry);
        }
    }

    private async Task<CollectionPrefix> ReadAsync(string collection, ReaderScope scope, long generation, long maxCharacters)
    {
        // Not the caller's token: the read is shared by every caller waiting on it.
        var chunks = new List<Chunk>();
        long characters = RagPromptBuilder.SystemPrompt.Length;
        var count = 0;
        await foreach (var chunk in documents.ReadAllChunksWithoutEmbeddingsAsync(collection, CancellationToken.None))
        {
            if (!scope.CanRead(chunk.Groups)) continue; // not this reader's: neither sent nor counted
            count++;
            characters += chunk.Text.Length + CollectionPrefix.SourceOverhead(chunk);
            if (characters <= maxCharacters) chunks.Add(chunk);
            else if (chunks.Count > 0) chunks = []; // it cannot be sent: measure the rest without holding it
        }
        var fits = characters <= maxCharacters;
        var ordered = fits
            ? chunks.OrderBy(c => c.DocumentName, StringComparer.Ordinal).ThenBy(c => c.DocumentId, StringComparer.Ordinal).ThenBy(c => c.Position)
                .Select((c, i) => new RetrievalHit(i + 1, 1.0, c)).ToArray()
            : [];
        return new CollectionPrefix(collection, generation, ordered, characters, count, fits);
    }
}
