namespace RagLab.Core.Kernel;

/// <summary>Uploaded bytes, addressed by their SHA-256, so a user-supplied name never becomes a path and identical uploads are stored once.</summary>
public interface IContentStore
{
    /// <summary>Stores <paramref name="content"/>, refusing more than <paramref name="maxBytes"/>, and returns its hash and length.</summary>
    /// <exception cref="PayloadTooLargeException">The content is larger than <paramref name="maxBytes"/>; nothing is kept.</exception>
    Task<(string Hash, long Bytes)> PutAsync(Stream content, long maxBytes, string displayName, CancellationToken cancellationToken);

    /// <summary>Stores many uploads already in memory and returns, for each, its hash and whether this call added it.</summary>
    Task<IReadOnlyList<(string Hash, bool Created)>> PutManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> contents, CancellationToken cancellationToken);

    /// <summary>The stored bytes of <paramref name="hash"/>.</summary>
    /// <exception cref="NotFoundException">Nothing is stored under that hash.</exception>
    Task<Stream> OpenAsync(string hash, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken);

    Task DeleteAsync(string hash, CancellationToken cancellationToken);

    /// <summary>The small blobs among <paramref name="hashes"/> that are kept packed, read in one go; the others are absent from the result.</summary>
    Task<IReadOnlyDictionary<string, byte[]>> ReadPackedAsync(IEnumerable<string> hashes, CancellationToken cancellationToken);
}
