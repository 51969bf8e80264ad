namespace RagLab.Core.Storage;

/// <summary>
/// Raw uploads on disk under their SHA-256 (<c>blobs/ab/abcdef…</c>), never under a user-supplied name, so a file name
/// cannot escape the data directory and identical uploads are stored once. Shared by the Api and the Worker.
/// </summary>
public sealed class ContentStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Copies <paramref name="content"/> to a temporary file while hashing it, refusing more than <paramref name="maxBytes"/>, then moves it to its content address.</summary>
    /// <exception cref="PayloadTooLargeException">The content is larger than <paramref name="maxBytes"/>; nothing is kept.</exception>
    public async Task<(string Hash, long Bytes)> PutAsync(Stream content, long maxBytes, string displayName, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(Root, "tmp"));
        var temp = Path.Combine(Root, "tmp", Guid.NewGuid().ToString("n"));
        try
        {
            long total = 0;
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                        throw new PayloadTooLargeException(
                            $"'{displayName}' is larger than the upload limit of {FormatBytes(maxBytes)}. Split it, or raise RagLab:Ingestion:MaxUploadBytes.");
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = PathFor(digest);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target)) File.Delete(temp);
            else File.Move(temp, target);
            return (digest, total);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Stores content already in memory (the bulk path): hashes it without a temporary copy and writes the blob only when
    /// it is not there yet. <c>Created</c> says whether this call wrote it, so a failed batch can remove what it added.
    /// </summary>
    /// <exception cref="PayloadTooLargeException">The content is larger than <paramref name="maxBytes"/>; nothing is kept.</exception>
    public async Task<(string Hash, bool Created)> PutAsync(ReadOnlyMemory<byte> content, long maxBytes, string displayName, CancellationToken cancellationToken)
    {
        if (content.Length > maxBytes)
            throw new PayloadTooLargeException(
                $"'{displayName}' is larger than the upload limit of {FormatBytes(maxBytes)}. Split it, or raise RagLab:Ingestion:MaxUploadBytes.");
        var digest = DocumentIds.ContentHash(content.Span);
        var target = PathFor(digest);
        if (File.Exists(target)) return (digest, false);

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.CreateDirectory(Path.Combine(Root, "tmp"));
        var temp = Path.Combine(Root, "tmp", Guid.NewGuid().ToString("n"));
        try
        {
            // Written aside and moved, so a reader never sees a half-written blob under its content address.
            await File.WriteAllBytesAsync(temp, content, cancellationToken);
            try
            {
                File.Move(temp, target);
                return (digest, true);
            }
            catch (IOException) when (File.Exists(target))
            {
                return (digest, false); // another upload of the same content won the race
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <exception cref="NotFoundException">No blob with that hash.</exception>
    public Stream Open(string hash)
    {
        var path = PathFor(hash);
        if (!File.Exists(path)) throw new NotFoundException($"The stored upload {hash} is missing from {Root}; upload the document again.");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    public bool Exists(string hash) => File.Exists(PathFor(hash));

    public void Delete(string hash)
    {
        var path = PathFor(hash);
        if (File.Exists(path)) File.Delete(path);
    }

    private string PathFor(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"'{hash}' is not a SHA-256 content hash.", nameof(hash));
        return Path.Combine(Root, hash[..2], hash);
    }

    internal static string FormatBytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MB" : $"{bytes / 1024.0:0.#} KB";
}
