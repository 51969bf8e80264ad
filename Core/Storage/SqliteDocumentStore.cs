using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RagLab.Core.Ingestion;

namespace RagLab.Core.Storage;

/// <summary>Documents, their text, chunks and embeddings, and collection generations, in the embedded SQLite file.</summary>
public sealed class SqliteDocumentStore(SqliteDatabase database) : IDocumentStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS documents (
            id TEXT PRIMARY KEY, collection TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
            chunks INTEGER NOT NULL, bytes INTEGER NOT NULL, content_hash TEXT NOT NULL, updated_at TEXT NOT NULL,
            error TEXT NULL, job_id TEXT NULL, warnings TEXT NULL, text TEXT NULL,
            UNIQUE (collection, name));
        CREATE TABLE IF NOT EXISTS chunks (
            id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            collection TEXT NOT NULL, position INTEGER NOT NULL, heading_path TEXT NOT NULL, text TEXT NOT NULL,
            start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, embedding BLOB NULL);
        CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id, position);
        CREATE INDEX IF NOT EXISTS chunks_by_collection ON chunks(collection);
        CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, generation INTEGER NOT NULL);
        """;

    private readonly Lazy<Task> _schema = new(() => database.EnsureSchemaAsync(Schema, CancellationToken.None));

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.Value.WaitAsync(cancellationToken);
        return await database.OpenAsync(cancellationToken);
    }

    public async Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var documents = await QueryDocumentsAsync(connection, "WHERE id = $id", cmd => cmd.Parameters.AddWithValue("$id", documentId), cancellationToken);
        return documents.FirstOrDefault();
    }

    public async Task<IReadOnlyList<DocumentRecord>> ListAsync(string? collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return collection is null
            ? await QueryDocumentsAsync(connection, "ORDER BY collection, name", _ => { }, cancellationToken)
            : await QueryDocumentsAsync(connection, "WHERE collection = $c ORDER BY name", cmd => cmd.Parameters.AddWithValue("$c", collection), cancellationToken);
    }

    public async Task SaveAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await UpsertDocumentAsync(connection, null, document, cancellationToken);
    }

    public async Task ReplaceContentAsync(DocumentRecord document, string text, IReadOnlyList<Chunk> chunks,
        IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await UpsertDocumentAsync(connection, transaction, document, cancellationToken);
        await using (var setText = connection.CreateCommand())
        {
            setText.Transaction = transaction;
            setText.CommandText = "UPDATE documents SET text = $text WHERE id = $id";
            setText.Parameters.AddWithValue("$text", text);
            setText.Parameters.AddWithValue("$id", document.Id);
            await setText.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM chunks WHERE document_id = $id";
            delete.Parameters.AddWithValue("$id", document.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR REPLACE INTO chunks (id, document_id, collection, position, heading_path, text, start_offset, end_offset, embedding)
                VALUES ($id, $doc, $collection, $position, $heading, $text, $start, $end, $embedding)
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var doc = insert.Parameters.Add("$doc", SqliteType.Text);
            var coll = insert.Parameters.Add("$collection", SqliteType.Text);
            var position = insert.Parameters.Add("$position", SqliteType.Integer);
            var heading = insert.Parameters.Add("$heading", SqliteType.Text);
            var chunkText = insert.Parameters.Add("$text", SqliteType.Text);
            var start = insert.Parameters.Add("$start", SqliteType.Integer);
            var end = insert.Parameters.Add("$end", SqliteType.Integer);
            var embedding = insert.Parameters.Add("$embedding", SqliteType.Blob);
            foreach (var chunk in chunks)
            {
                id.Value = chunk.Id;
                doc.Value = chunk.DocumentId;
                coll.Value = chunk.Collection;
                position.Value = chunk.Position;
                heading.Value = chunk.HeadingPath;
                chunkText.Value = chunk.Text;
                start.Value = chunk.Start;
                end.Value = chunk.End;
                embedding.Value = embeddings is not null && embeddings.TryGetValue(chunk.Id, out var vector)
                    ? MemoryMarshal.AsBytes(vector.AsSpan()).ToArray()
                    : DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Chunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ChunkSelect + " WHERE c.document_id = $id ORDER BY c.position";
        command.Parameters.AddWithValue("$id", documentId);
        var chunks = new List<Chunk>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) chunks.Add(ReadChunk(reader));
        return chunks;
    }

    public async Task<Chunk?> GetChunkAsync(string chunkId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ChunkSelect + " WHERE c.id = $id";
        command.Parameters.AddWithValue("$id", chunkId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChunk(reader) : null;
    }

    public async Task<string?> GetTextAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM documents WHERE id = $id";
        command.Parameters.AddWithValue("$id", documentId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async IAsyncEnumerable<(Chunk Chunk, float[]? Embedding)> ReadAllChunksAsync(string? collection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Only chunks of ready documents are searchable.
        command.CommandText = """
            SELECT c.embedding, c.id, c.document_id, d.name, c.collection, c.position, c.heading_path, c.text, c.start_offset, c.end_offset
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.status = 'ready'
            """ + (collection is null ? "" : " AND c.collection = $c") + " ORDER BY c.document_id, c.position";
        if (collection is not null) command.Parameters.AddWithValue("$c", collection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var embedding = reader.IsDBNull(0) ? null : MemoryMarshal.Cast<byte, float>((byte[])reader[0]).ToArray();
            yield return (ReadChunk(reader, offset: 1), embedding);
        }
    }

    public async Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM chunks WHERE document_id = $id; DELETE FROM documents WHERE id = $id;";
        command.Parameters.AddWithValue("$id", documentId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT collection FROM documents ORDER BY collection";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names;
    }

    public async Task<long> GetGenerationAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT generation FROM collections WHERE name = $c";
        command.Parameters.AddWithValue("$c", collection);
        return await command.ExecuteScalarAsync(cancellationToken) is long generation ? generation : 0;
    }

    public async Task<long> BumpGenerationAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO collections (name, generation) VALUES ($c, 1)
            ON CONFLICT(name) DO UPDATE SET generation = generation + 1
            RETURNING generation
            """;
        command.Parameters.AddWithValue("$c", collection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private const string ChunkSelect = """
        SELECT c.id, c.document_id, d.name, c.collection, c.position, c.heading_path, c.text, c.start_offset, c.end_offset
        FROM chunks c JOIN documents d ON d.id = c.document_id
        """;

    private static Chunk ReadChunk(SqliteDataReader reader, int offset = 0) => new(
        reader.GetString(offset), reader.GetString(offset + 1), reader.GetString(offset + 2), reader.GetString(offset + 3),
        reader.GetInt32(offset + 4), reader.GetString(offset + 5), reader.GetString(offset + 6),
        reader.GetInt32(offset + 7), reader.GetInt32(offset + 8));

    private static async Task<List<DocumentRecord>> QueryDocumentsAsync(SqliteConnection connection, string clause,
        Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, collection, name, status, chunks, bytes, content_hash, updated_at, error, job_id, warnings FROM documents " + clause;
        bind(command);
        var documents = new List<DocumentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(new DocumentRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                Enum.Parse<DocumentStatus>(reader.GetString(3), ignoreCase: true),
                reader.GetInt32(4), reader.GetInt64(5), reader.GetString(6),
                DateTimeOffset.Parse(reader.GetString(7), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : JsonSerializer.Deserialize<string[]>(reader.GetString(10))));
        }
        return documents;
    }

    private static async Task UpsertDocumentAsync(SqliteConnection connection, SqliteTransaction? transaction,
        DocumentRecord document, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO documents (id, collection, name, status, chunks, bytes, content_hash, updated_at, error, job_id, warnings)
            VALUES ($id, $collection, $name, $status, $chunks, $bytes, $hash, $updated, $error, $job, $warnings)
            ON CONFLICT(id) DO UPDATE SET status = excluded.status, chunks = excluded.chunks, bytes = excluded.bytes,
                content_hash = excluded.content_hash, updated_at = excluded.updated_at, error = excluded.error,
                job_id = excluded.job_id, warnings = excluded.warnings
            """;
        command.Parameters.AddWithValue("$id", document.Id);
        command.Parameters.AddWithValue("$collection", document.Collection);
        command.Parameters.AddWithValue("$name", document.Name);
        command.Parameters.AddWithValue("$status", document.Status.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("$chunks", document.Chunks);
        command.Parameters.AddWithValue("$bytes", document.Bytes);
        command.Parameters.AddWithValue("$hash", document.ContentHash);
        command.Parameters.AddWithValue("$updated", document.UpdatedAt.ToString("O"));
        command.Parameters.AddWithValue("$error", (object?)document.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$job", (object?)document.JobId ?? DBNull.Value);
        command.Parameters.AddWithValue("$warnings", document.Warnings is { Count: > 0 } w ? JsonSerializer.Serialize(w) : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
