using Microsoft.Data.Sqlite;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// Raw uploads on disk under their SHA-256 (<c>blobs/ab/abcdef…</c>), never under a user-supplied name, so a file name
/// cannot escape the data directory and identical uploads are stored once. Small blobs of bulk uploads live in a SQLite
/// pack (<c>blobs/pack.db</c>) under the same hash instead (<see cref="PutManyAsync"/>). Shared by the Api and the Worker on one
/// host; with Postgres as the system of record, uploads go to <see cref="DatabaseContentStore"/> instead.
/// </summary>
public sealed class ContentStore(string root) : IContentStore
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
                            $"'{displayName}' is larger than the upload limit of {ByteSize.Format(maxBytes)}. Split it, or raise RagLab:Ingestion:MaxUploadBytes.");
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
    /// Stores many uploads already in memory (the bulk path) and returns, for each, its hash and whether this call added it
    /// (so a failed upload can remove what it added). Blobs up to <see cref="PackLimitBytes"/> go into one SQLite pack file
    /// (<c>pack.db</c>) in one transaction; larger ones become files as usual.
    /// </summary>
    /// <remarks>
    /// Why a pack: creating a file costs far more than the write (hundreds of microseconds of kernel time on a busy VM), which
    /// made thousands of small documents spend most of their upload creating files. A blob is read back by hash either way.
    /// </remarks>
    public async Task<IReadOnlyList<(string Hash, bool Created)>> PutManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> contents, CancellationToken cancellationToken)
    {
        var results = new (string Hash, bool Created)[contents.Count];
        var packed = new List<int>(contents.Count);
        for (var i = 0; i < contents.Count; i++)
        {
            var hash = DocumentIds.ContentHash(contents[i].Span);
            results[i] = (hash, false);
            if (File.Exists(PathFor(hash))) continue;
            if (contents[i].Length <= PackLimitBytes)
            {
                packed.Add(i);
                continue;
            }
            await using var stream = new MemoryStream(contents[i].ToArray(), writable: false);
            await PutAsync(stream, long.MaxValue, hash, cancellationToken);
            results[i] = (hash, true);
        }
        if (packed.Count == 0) return results;

        await using var connection = await OpenPackAsync(create: true, cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO blobs (hash, data) VALUES ($hash, $data) ON CONFLICT(hash) DO NOTHING";
        var hashParameter = insert.Parameters.Add("$hash", SqliteType.Text);
        var dataParameter = insert.Parameters.Add("$data", SqliteType.Blob);
        foreach (var i in packed)
        {
            hashParameter.Value = results[i].Hash;
            dataParameter.Value = contents[i].ToArray();
            results[i] = (results[i].Hash, await insert.ExecuteNonQueryAsync(cancellationToken) > 0);
        }
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <summary>Largest blob <see cref="PutManyAsync"/> keeps in the pack rather than as a file.</summary>
    public const int PackLimitBytes = 256 * 1024;

    /// <summary>The SQLite file holding small blobs of bulk uploads.</summary>
    public string PackPath => Path.Combine(Root, "pack.db");

    /// <exception cref="NotFoundException">No blob with that hash.</exception>
    public async Task<Stream> OpenAsync(string hash, CancellationToken cancellationToken)
    {
        var path = PathFor(hash);
        if (File.Exists(path)) return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return await ReadPackedAsync(hash, cancellationToken) is { } bytes
            ? new MemoryStream(bytes, writable: false)
            : throw new NotFoundException($"The stored upload {hash} is missing from {Root}; upload the document again.");
    }

    public async Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken) =>
        File.Exists(PathFor(hash)) || await ReadPackedAsync(hash, cancellationToken) is not null;

    public async Task DeleteAsync(string hash, CancellationToken cancellationToken)
    {
        var path = PathFor(hash);
        if (File.Exists(path)) File.Delete(path);
        if (!File.Exists(PackPath)) return;
        await using var connection = await OpenPackAsync(create: false, cancellationToken);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM blobs WHERE hash = $hash";
        delete.Parameters.AddWithValue("$hash", hash);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The packed blobs among <paramref name="hashes"/>, read over one connection (blobs stored as files are not included).</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> ReadPackedAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!File.Exists(PackPath)) return found;
        await using var connection = await OpenPackAsync(create: false, cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT data FROM blobs WHERE hash = $hash";
        var parameter = select.Parameters.Add("$hash", SqliteType.Text);
        foreach (var hash in hashes)
        {
            if (found.ContainsKey(hash)) continue;
            parameter.Value = hash;
            if (await select.ExecuteScalarAsync(cancellationToken) is byte[] bytes) found[hash] = bytes;
        }
        return found;
    }

    private async Task<byte[]?> ReadPackedAsync(string hash, CancellationToken cancellationToken)
    {
        if (!File.Exists(PackPath)) return null;
        await using var connection = await OpenPackAsync(create: false, cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT data FROM blobs WHERE hash = $hash";
        select.Parameters.AddWithValue("$hash", hash);
        return await select.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private async Task<SqliteConnection> OpenPackAsync(bool create, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Root);
        var connection = new SqliteConnection(PackConnectionString(create));
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = PackSetup;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private const string PackSetup = """
        PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;
        CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
        """;

    private string PackConnectionString(bool create) => new SqliteConnectionStringBuilder
    {
        DataSource = PackPath,
        Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private string PathFor(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"'{hash}' is not a SHA-256 content hash.", nameof(hash));
        return Path.Combine(Root, hash[..2], hash);
    }

}
