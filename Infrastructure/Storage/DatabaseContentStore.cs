using System.Data;
using System.Security.Cryptography;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// Uploads in the system of record's <c>blobs</c> table under their SHA-256: the content store when Postgres is the system
/// of record, so the Api and the Worker need no shared disk (each may run in its own container or on its own machine).
/// </summary>
public sealed class DatabaseContentStore(SqlDatabase database) : IContentStore
{
    private static string Schema(SqlDialect sql) => sql.IsPostgres
        // Uploads are mostly compressed already (PDF, DOCX) or small: stored EXTERNAL, Postgres does not try to compress them.
        ? $"CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data {sql.Blob} NOT NULL); ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;"
        : $"CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, data {sql.Blob} NOT NULL);";

    // Created once per process on first use.
    private readonly SchemaOnce _schema = new(() => database.EnsureSchemaAsync(Schema(database.Dialect), CancellationToken.None));

    private Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    /// <exception cref="PayloadTooLargeException">The content is larger than <paramref name="maxBytes"/>; nothing is kept.</exception>
    public async Task<(string Hash, long Bytes)> PutAsync(Stream content, long maxBytes, string displayName, CancellationToken cancellationToken)
    {
        // Read whole (uploads are bounded by RagLab:Ingestion:MaxUploadBytes), hashing as it comes.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > maxBytes)
                throw new PayloadTooLargeException(
                    $"'{displayName}' is larger than the upload limit of {ByteSize.Format(maxBytes)}. Split it, or raise RagLab:Ingestion:MaxUploadBytes.");
            hash.AppendData(buffer, 0, read);
            copy.Write(buffer, 0, read);
        }
        var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        await PutManyAsync([copy.GetBuffer().AsMemory(0, (int)copy.Length)], cancellationToken);
        return (digest, copy.Length);
    }

    public async Task<IReadOnlyList<(string Hash, bool Created)>> PutManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> contents, CancellationToken cancellationToken)
    {
        var results = new (string Hash, bool Created)[contents.Count];
        if (contents.Count == 0) return results;
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.Command(transaction, "INSERT INTO blobs (hash, data) VALUES (@hash, @data) ON CONFLICT(hash) DO NOTHING");
        var hashParameter = insert.Add("@hash", DbType.String);
        var dataParameter = insert.Add("@data", DbType.Binary);
        for (var i = 0; i < contents.Count; i++)
        {
            var hash = DocumentIds.ContentHash(contents[i].Span);
            hashParameter.Value = hash;
            dataParameter.Value = contents[i].ToArray();
            results[i] = (hash, await insert.ExecuteNonQueryAsync(cancellationToken) > 0);
        }
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    /// <exception cref="NotFoundException">No blob with that hash.</exception>
    public async Task<Stream> OpenAsync(string hash, CancellationToken cancellationToken) =>
        (await ReadPackedAsync([hash], cancellationToken)).TryGetValue(hash, out var bytes)
            ? new MemoryStream(bytes, writable: false)
            : throw new NotFoundException($"The stored upload {hash} is missing from the database ({database.Location}); upload the document again.");

    public async Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.Command(null, "SELECT COUNT(*) FROM blobs WHERE hash = @hash", ("@hash", hash));
        return Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    public async Task DeleteAsync(string hash, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var delete = connection.Command(null, "DELETE FROM blobs WHERE hash = @hash", ("@hash", hash));
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every blob is "packed" here: all of <paramref name="hashes"/> that are stored, read in one query.</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> ReadPackedAsync(IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var wanted = hashes.Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return found;
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var select = connection.Command(null, "SELECT hash, data FROM blobs WHERE " + database.Dialect.InList("hash", "@hashes"));
        database.Dialect.AddList(select, "@hashes", wanted);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found[reader.GetString(0)] = (byte[])reader[1];
        return found;
    }
}
