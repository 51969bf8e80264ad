using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Data;
using System.Data.Common;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// Documents, their text, chunks and embeddings, and collection generations, in the system of record (SQLite or Postgres).
/// Multi-row writes reuse prepared commands inside one transaction (see <see cref="IBulkDocumentStore"/>).
/// </summary>
public sealed class SqlDocumentStore(SqlDatabase database) : IDocumentStore, IBulkDocumentStore, IChunkEmbeddingStore
{
    private static string Schema(SqlDialect sql) => $"""
        CREATE TABLE IF NOT EXISTS documents (
            id TEXT PRIMARY KEY, collection {sql.OrdinalText} NOT NULL, name {sql.OrdinalText} NOT NULL, status TEXT NOT NULL,
            chunks INTEGER NOT NULL, bytes BIGINT NOT NULL, content_hash TEXT NOT NULL, updated_at TEXT NOT NULL,
            error TEXT NULL, job_id TEXT NULL, warnings TEXT NULL, text TEXT NULL, version BIGINT NOT NULL DEFAULT 0,
            groups TEXT NULL, UNIQUE (collection, name));
        CREATE TABLE IF NOT EXISTS chunks (
            id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            collection TEXT NOT NULL, position INTEGER NOT NULL, heading_path TEXT NOT NULL, text TEXT NOT NULL,
            start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, embedding {sql.Blob} NULL, embedding_model TEXT NULL);
        CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id, position);
        CREATE INDEX IF NOT EXISTS chunks_by_collection ON chunks(collection);
        CREATE INDEX IF NOT EXISTS documents_by_content ON documents(content_hash);
        CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, generation BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS document_versions (id TEXT PRIMARY KEY, version BIGINT NOT NULL);
        """ + (sql.IsPostgres
            // Databases made before documents had reader groups: every document stays readable by everyone.
            ? "ALTER TABLE documents ADD COLUMN IF NOT EXISTS groups TEXT NULL;"
            : "");

    private readonly SchemaOnce _schema = new(() => EnsureSchemaAsync(database));

    private static async Task EnsureSchemaAsync(SqlDatabase database)
    {
        await database.EnsureSchemaAsync(Schema(database.Dialect), CancellationToken.None);
        // SQLite files made before vectors recorded their model: their vectors keep a NULL model (whatever was connected then).
        if (database.Dialect.IsPostgres) return;
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('chunks') WHERE name = 'embedding_model'";
        if ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            command.CommandText = "ALTER TABLE chunks ADD COLUMN embedding_model TEXT NULL";
            await command.ExecuteNonQueryAsync();
        }
        // Databases made before documents had versions: every document starts at version 0.
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'version'";
        if ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            command.CommandText = "ALTER TABLE documents ADD COLUMN version BIGINT NOT NULL DEFAULT 0";
            await command.ExecuteNonQueryAsync();
        }
        // Databases made before documents had reader groups: every document stays readable by everyone (NULL).
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'groups'";
        if ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            command.CommandText = "ALTER TABLE documents ADD COLUMN groups TEXT NULL";
            await command.ExecuteNonQueryAsync();
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        return await database.OpenAsync(cancellationToken);
    }

    public async Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var documents = await QueryDocumentsAsync(connection, "WHERE id = @id", cmd => cmd.AddValue("@id", documentId), cancellationToken);
        return documents.FirstOrDefault();
    }

    public async Task<IReadOnlyList<DocumentRecord>> ListAsync(string? collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return collection is null
            ? await QueryDocumentsAsync(connection, "ORDER BY collection, name", _ => { }, cancellationToken)
            : await QueryDocumentsAsync(connection, "WHERE collection = @c ORDER BY name", cmd => cmd.AddValue("@c", collection), cancellationToken);
    }

    public async Task SaveAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await UpsertDocumentAsync(connection, null, document, cancellationToken);
    }

    public async Task<IReadOnlyList<DocumentRecord>> SaveNewVersionsAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken)
    {
        var saved = new List<DocumentRecord>(documents.Count);
        if (documents.Count == 0) return saved;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var next = connection.CreateCommand();
        next.Transaction = transaction;
        // The sequence outlives the document (a delete keeps its row), so a re-upload never reuses a deleted version.
        next.CommandText = """
            INSERT INTO document_versions (id, version) VALUES (@id, 1)
            ON CONFLICT (id) DO UPDATE SET version = document_versions.version + 1
            RETURNING version
            """;
        var id = next.Add("@id", DbType.String);
        await using var upsert = new DocumentUpsert(connection, transaction, withText: false);
        foreach (var document in documents)
        {
            id.Value = document.Id;
            var version = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
            var record = document with { Version = version };
            await upsert.ExecuteAsync(record, null, cancellationToken);
            saved.Add(record);
        }
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    public async Task<bool> SaveIfVersionAsync(DocumentRecord document, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE documents SET status = @status, chunks = @chunks, bytes = @bytes, content_hash = @hash, updated_at = @updated,
                error = @error, job_id = @job, warnings = @warnings, version = @version, groups = @groups
            WHERE id = @id AND version = @expected
            """;
        command.AddValue("@id", document.Id);
        command.AddValue("@expected", expectedVersion);
        command.AddValue("@status", StatusText(document.Status));
        command.AddValue("@chunks", document.Chunks);
        command.AddValue("@bytes", document.Bytes);
        command.AddValue("@hash", document.ContentHash);
        command.AddValue("@updated", document.UpdatedAt.ToString("O"));
        command.AddValue("@error", (object?)document.Error ?? DBNull.Value);
        command.AddValue("@job", (object?)document.JobId ?? DBNull.Value);
        command.AddValue("@warnings", WarningsValue(document.Warnings));
        command.AddValue("@version", document.Version);
        command.AddValue("@groups", GroupsValue(document.Groups));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task ReplaceContentAsync(DocumentRecord document, string text, IReadOnlyList<Chunk> chunks,
        IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await UpsertDocumentAsync(connection, transaction, document, cancellationToken, text);
        await using var writer = new ChunkWriter(connection, transaction);
        await writer.ReplaceAsync(document.Id, chunks, embeddings, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveManyAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken)
    {
        if (documents.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var upsert = new DocumentUpsert(connection, transaction, withText: false);
        foreach (var document in documents) await upsert.ExecuteAsync(document, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ReplaceContentManyAsync(IReadOnlyList<DocumentContent> entries, CancellationToken cancellationToken)
    {
        var written = new List<string>(entries.Count);
        if (entries.Count == 0) return written;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        // Version-checked: a document deleted or re-uploaded while the batch ran is not brought back or overwritten.
        update.CommandText = """
            UPDATE documents SET status = @status, chunks = @chunks, updated_at = @updated, error = @error,
                job_id = @job, warnings = @warnings, text = @text
            WHERE id = @id AND version = @version AND content_hash = @hash
            """;
        var id = update.Add("@id", DbType.String);
        var version = update.Add("@version", DbType.Int64);
        var hash = update.Add("@hash", DbType.String);
        var status = update.Add("@status", DbType.String);
        var chunkCount = update.Add("@chunks", DbType.Int32);
        var updated = update.Add("@updated", DbType.String);
        var error = update.Add("@error", DbType.String);
        var job = update.Add("@job", DbType.String);
        var warnings = update.Add("@warnings", DbType.String);
        var text = update.Add("@text", DbType.String);
        await using var chunks = new ChunkWriter(connection, transaction);
        foreach (var entry in entries)
        {
            var document = entry.Document;
            id.Value = document.Id;
            version.Value = document.Version;
            hash.Value = document.ContentHash;
            status.Value = StatusText(document.Status);
            chunkCount.Value = document.Chunks;
            updated.Value = document.UpdatedAt.ToString("O");
            error.Value = (object?)document.Error ?? DBNull.Value;
            job.Value = (object?)document.JobId ?? DBNull.Value;
            warnings.Value = WarningsValue(document.Warnings);
            text.Value = entry.Text;
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0) continue;
            await chunks.ReplaceAsync(document.Id, entry.Chunks, entry.Embeddings, cancellationToken);
            written.Add(document.Id);
        }
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public async Task<IReadOnlyList<string>> MarkReadyAsync(string collection, IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken)
    {
        var marked = new List<string>(documents.Count);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            // Guarded: a document deleted, re-uploaded or re-queued while it was being indexed keeps its newer state.
            update.CommandText = """
                UPDATE documents SET status = 'ready', updated_at = @updated
                WHERE id = @id AND version = @version AND content_hash = @hash AND status = 'indexing'
                """;
            var id = update.Add("@id", DbType.String);
            var version = update.Add("@version", DbType.Int64);
            var hash = update.Add("@hash", DbType.String);
            var updated = update.Add("@updated", DbType.String);
            foreach (var document in documents)
            {
                id.Value = document.Id;
                version.Value = document.Version;
                hash.Value = document.ContentHash;
                updated.Value = document.UpdatedAt.ToString("O");
                if (await update.ExecuteNonQueryAsync(cancellationToken) > 0) marked.Add(document.Id);
            }
        }
        await using (var bump = connection.CreateCommand())
        {
            bump.Transaction = transaction;
            bump.CommandText = "INSERT INTO collections (name, generation) VALUES (@c, 1) ON CONFLICT(name) DO UPDATE SET generation = collections.generation + 1";
            bump.AddValue("@c", collection);
            await bump.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return marked;
    }

    public async Task<bool> IsContentReferencedAsync(string contentHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM documents WHERE content_hash = @h)";
        command.AddValue("@h", contentHash);
        // SQLite answers 0 or 1, Postgres a boolean.
        return Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken));
    }

    public async Task<IReadOnlyList<Chunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ChunkSelect + " WHERE c.document_id = @id ORDER BY c.position";
        command.AddValue("@id", documentId);
        var chunks = new List<Chunk>();
        var groups = new GroupsReader();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) chunks.Add(ReadChunk(reader, groups));
        return chunks;
    }

    public async Task<Chunk?> GetChunkAsync(string chunkId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ChunkSelect + " WHERE c.id = @id";
        command.AddValue("@id", chunkId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChunk(reader, new GroupsReader()) : null;
    }

    public async Task<IReadOnlyList<Chunk>> GetChunksByIdAsync(IReadOnlyList<string> chunkIds, CancellationToken cancellationToken)
    {
        if (chunkIds.Count == 0) return [];
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One query for the whole top K: the ids go in as one JSON array, looked up by primary key.
        command.CommandText = ChunkSelect + " WHERE " + database.Dialect.InList("c.id", "@ids");
        database.Dialect.AddList(command, "@ids", chunkIds);
        var chunks = new List<Chunk>(chunkIds.Count);
        var groups = new GroupsReader();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) chunks.Add(ReadChunk(reader, groups));
        return chunks;
    }

    public async Task<string?> GetTextAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM documents WHERE id = @id";
        command.AddValue("@id", documentId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async IAsyncEnumerable<(Chunk Chunk, float[]? Embedding)> ReadAllChunksAsync(string? collection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in ReadChunksAsync(collection, withEmbeddings: true, cancellationToken)) yield return row;
    }

    public async IAsyncEnumerable<Chunk> ReadAllChunksWithoutEmbeddingsAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (chunk, _) in ReadChunksAsync(collection, withEmbeddings: false, cancellationToken)) yield return chunk;
    }

    private async IAsyncEnumerable<(Chunk Chunk, float[]? Embedding)> ReadChunksAsync(string? collection, bool withEmbeddings,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Only chunks of ready documents are searchable.
        command.CommandText = "SELECT " + (withEmbeddings ? "c.embedding" : "NULL") + """
            , c.id, c.document_id, d.name, c.collection, c.position, c.heading_path, c.text, c.start_offset, c.end_offset, d.groups
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.status = 'ready'
            """ + (collection is null ? "" : " AND c.collection = @c") + " ORDER BY c.document_id, c.position";
        if (collection is not null) command.AddValue("@c", collection);
        var groups = new GroupsReader();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var embedding = reader.IsDBNull(0) ? null : MemoryMarshal.Cast<byte, float>((byte[])reader[0]).ToArray();
            yield return (ReadChunk(reader, groups, offset: 1), embedding);
        }
    }

    public async Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM chunks WHERE document_id = @id; DELETE FROM documents WHERE id = @id;";
        command.AddValue("@id", documentId);
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
        command.CommandText = "SELECT generation FROM collections WHERE name = @c";
        command.AddValue("@c", collection);
        return await command.ExecuteScalarAsync(cancellationToken) is long generation ? generation : 0;
    }

    public async Task<long> BumpGenerationAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO collections (name, generation) VALUES (@c, 1)
            ON CONFLICT(name) DO UPDATE SET generation = collections.generation + 1
            RETURNING generation
            """;
        command.AddValue("@c", collection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // Chunks with no vector yet, outside collections that hold another model's vectors (those wait for their re-embed, so two
    // models never mix). NULL model: stored before models were recorded, taken as the configured model's.
    private const string NeedsEmbedding = """
         WHERE d.status = 'ready' AND c.embedding IS NULL AND c.collection NOT IN (
            SELECT o.collection FROM chunks o JOIN documents od ON od.id = o.document_id
            WHERE od.status = 'ready' AND o.embedding_model IS NOT NULL AND o.embedding_model <> @model)
        """;

    // A collection's chunks with no vector from the model: none yet, or one from another model.
    private const string NeedsReembedding =
        " WHERE d.status = 'ready' AND c.collection = @collection AND (c.embedding IS NULL OR (c.embedding_model IS NOT NULL AND c.embedding_model <> @model))";

    public Task<IReadOnlyList<Chunk>> GetChunksWithoutEmbeddingAsync(int limit, string model, CancellationToken cancellationToken) =>
        QueryChunksAsync(NeedsEmbedding, limit, model, null, cancellationToken);

    public Task<int> CountChunksWithoutEmbeddingAsync(string model, CancellationToken cancellationToken) =>
        CountChunksAsync(NeedsEmbedding, model, null, cancellationToken);

    public Task<IReadOnlyList<Chunk>> GetChunksToReembedAsync(string collection, int limit, string model, CancellationToken cancellationToken) =>
        QueryChunksAsync(NeedsReembedding, limit, model, collection, cancellationToken);

    public Task<int> CountChunksToReembedAsync(string collection, string model, CancellationToken cancellationToken) =>
        CountChunksAsync(NeedsReembedding, model, collection, cancellationToken);

    private async Task<IReadOnlyList<Chunk>> QueryChunksAsync(string where, int limit, string model, string? collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ChunkSelect + where + " ORDER BY c.document_id, c.position LIMIT @limit";
        command.AddValue("@limit", limit);
        command.AddValue("@model", EmbeddingModelId.Canonical(model));
        if (collection is not null) command.AddValue("@collection", collection);
        var chunks = new List<Chunk>();
        var groups = new GroupsReader();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) chunks.Add(ReadChunk(reader, groups));
        return chunks;
    }

    private async Task<int> CountChunksAsync(string where, string model, string? collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id" + where;
        command.AddValue("@model", EmbeddingModelId.Canonical(model));
        if (collection is not null) command.AddValue("@collection", collection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    public async Task<IReadOnlyList<CollectionVectorModel>> GetVectorModelsAsync(string? collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.collection, c.embedding_model, COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE d.status = 'ready' AND c.embedding IS NOT NULL
            """ + (collection is null ? "" : " AND c.collection = @collection") + " GROUP BY c.collection, c.embedding_model ORDER BY c.collection, c.embedding_model";
        if (collection is not null) command.AddValue("@collection", collection);
        var models = new List<CollectionVectorModel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            models.Add(new CollectionVectorModel(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), Convert.ToInt32(reader.GetValue(2))));
        return models;
    }

    public async Task SaveEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, string model, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE chunks SET embedding = @embedding, embedding_model = @model WHERE id = @id";
        command.AddValue("@model", EmbeddingModelId.Canonical(model));
        var id = command.Add("@id", DbType.String);
        var embedding = command.Add("@embedding", DbType.Binary);
        // Another process's index loader reloads documents changed after it indexed them: this is how it learns of the new vectors.
        await using var touch = connection.CreateCommand();
        touch.Transaction = transaction;
        touch.CommandText = "UPDATE documents SET updated_at = @updated WHERE id = @document";
        touch.AddValue("@updated", updatedAt.ToString("O"));
        var document = touch.Add("@document", DbType.String);
        await using var owner = connection.CreateCommand();
        owner.Transaction = transaction;
        owner.CommandText = "SELECT document_id FROM chunks WHERE id = @id";
        var ownerId = owner.Add("@id", DbType.String);
        var documents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (chunkId, vector) in embeddings)
        {
            id.Value = chunkId;
            embedding.Value = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0) continue;
            ownerId.Value = chunkId;
            if (await owner.ExecuteScalarAsync(cancellationToken) is string documentId) documents.Add(documentId);
        }
        foreach (var documentId in documents)
        {
            document.Value = documentId;
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private const string ChunkSelect = """
        SELECT c.id, c.document_id, d.name, c.collection, c.position, c.heading_path, c.text, c.start_offset, c.end_offset, d.groups
        FROM chunks c JOIN documents d ON d.id = c.document_id
        """;

    private static Chunk ReadChunk(DbDataReader reader, GroupsReader groups, int offset = 0) => new(
        reader.GetString(offset), reader.GetString(offset + 1), reader.GetString(offset + 2), reader.GetString(offset + 3),
        reader.GetInt32(offset + 4), reader.GetString(offset + 5), reader.GetString(offset + 6),
        reader.GetInt32(offset + 7), reader.GetInt32(offset + 8),
        groups.Read(reader, offset + 9));

    /// <summary>
    /// Reads the documents' groups column of chunk rows. Rows come document by document, so the list parsed for one row is reused
    /// for the next while the column is the same: one parse and one list per document, shared by its chunks.
    /// </summary>
    private sealed class GroupsReader
    {
        private string? _json;
        private IReadOnlyList<string>? _groups;

        public IReadOnlyList<string>? Read(DbDataReader reader, int ordinal)
        {
            if (reader.IsDBNull(ordinal)) return null;
            var json = reader.GetString(ordinal);
            if (json != _json) (_json, _groups) = (json, ParseGroups(json));
            return _groups;
        }
    }

    private static async Task<List<DocumentRecord>> QueryDocumentsAsync(DbConnection connection, string clause,
        Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, collection, name, status, chunks, bytes, content_hash, updated_at, error, job_id, warnings, version, groups FROM documents " + clause;
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
                reader.IsDBNull(10) ? null : JsonSerializer.Deserialize<string[]>(reader.GetString(10)),
                reader.GetInt64(11),
                reader.IsDBNull(12) ? null : ParseGroups(reader.GetString(12))));
        }
        return documents;
    }

    private static async Task UpsertDocumentAsync(DbConnection connection, DbTransaction? transaction,
        DocumentRecord document, CancellationToken cancellationToken, string? text = null)
    {
        await using var upsert = new DocumentUpsert(connection, transaction, withText: text is not null);
        await upsert.ExecuteAsync(document, text, cancellationToken);
    }

    private static string StatusText(DocumentStatus status) => status.ToString().ToLowerInvariant();

    private static object WarningsValue(IReadOnlyList<string>? warnings) =>
        warnings is { Count: > 0 } w ? JsonSerializer.Serialize(w) : DBNull.Value;

    /// <summary>A document's groups as stored: a JSON array of names, or NULL when everyone may read it.</summary>
    private static object GroupsValue(IReadOnlyList<string>? groups) =>
        groups is { Count: > 0 } g ? JsonSerializer.Serialize(g) : DBNull.Value;

    private static IReadOnlyList<string>? ParseGroups(string json) =>
        JsonSerializer.Deserialize<string[]>(json) is { Length: > 0 } groups ? groups : null;

    /// <summary>A prepared insert-or-update of document metadata (and optionally text), reused across many documents.</summary>
    private sealed class DocumentUpsert : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly DbParameter _id, _collection, _name, _status, _chunks, _bytes, _hash, _updated, _error, _job, _warnings, _version, _groups;
        private readonly DbParameter? _text;

        public DocumentUpsert(DbConnection connection, DbTransaction? transaction, bool withText)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = withText
                ? """
                  INSERT INTO documents (id, collection, name, status, chunks, bytes, content_hash, updated_at, error, job_id, warnings, version, groups, text)
                  VALUES (@id, @collection, @name, @status, @chunks, @bytes, @hash, @updated, @error, @job, @warnings, @version, @groups, @text)
                  ON CONFLICT(id) DO UPDATE SET status = excluded.status, chunks = excluded.chunks, bytes = excluded.bytes,
                      content_hash = excluded.content_hash, updated_at = excluded.updated_at, error = excluded.error,
                      job_id = excluded.job_id, warnings = excluded.warnings, version = excluded.version, groups = excluded.groups,
                      text = excluded.text
                  """
                : """
                  INSERT INTO documents (id, collection, name, status, chunks, bytes, content_hash, updated_at, error, job_id, warnings, version, groups)
                  VALUES (@id, @collection, @name, @status, @chunks, @bytes, @hash, @updated, @error, @job, @warnings, @version, @groups)
                  ON CONFLICT(id) DO UPDATE SET status = excluded.status, chunks = excluded.chunks, bytes = excluded.bytes,
                      content_hash = excluded.content_hash, updated_at = excluded.updated_at, error = excluded.error,
                      job_id = excluded.job_id, warnings = excluded.warnings, version = excluded.version, groups = excluded.groups
                  """;
            _id = _command.Add("@id", DbType.String);
            _collection = _command.Add("@collection", DbType.String);
            _name = _command.Add("@name", DbType.String);
            _status = _command.Add("@status", DbType.String);
            _chunks = _command.Add("@chunks", DbType.Int32);
            _bytes = _command.Add("@bytes", DbType.Int64);
            _hash = _command.Add("@hash", DbType.String);
            _updated = _command.Add("@updated", DbType.String);
            _error = _command.Add("@error", DbType.String);
            _job = _command.Add("@job", DbType.String);
            _warnings = _command.Add("@warnings", DbType.String);
            _version = _command.Add("@version", DbType.Int64);
            _groups = _command.Add("@groups", DbType.String);
            if (withText) _text = _command.Add("@text", DbType.String);
        }

        public async Task ExecuteAsync(DocumentRecord document, string? text, CancellationToken cancellationToken)
        {
            _id.Value = document.Id;
            _collection.Value = document.Collection;
            _name.Value = document.Name;
            _status.Value = StatusText(document.Status);
            _chunks.Value = document.Chunks;
            _bytes.Value = document.Bytes;
            _hash.Value = document.ContentHash;
            _updated.Value = document.UpdatedAt.ToString("O");
            _error.Value = (object?)document.Error ?? DBNull.Value;
            _job.Value = (object?)document.JobId ?? DBNull.Value;
            _warnings.Value = WarningsValue(document.Warnings);
            _version.Value = document.Version;
            _groups.Value = GroupsValue(document.Groups);
            if (_text is not null) _text.Value = (object?)text ?? DBNull.Value;
            await _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    /// <summary>Prepared delete-and-insert of a document's chunks, reused across the documents of one transaction.</summary>
    private sealed class ChunkWriter : IAsyncDisposable
    {
        private readonly DbCommand _delete;
        private readonly DbCommand _insert;
        private readonly DbParameter _deleteId, _id, _document, _collection, _position, _heading, _text, _start, _end, _embedding, _model;

        public ChunkWriter(DbConnection connection, DbTransaction transaction)
        {
            _delete = connection.CreateCommand();
            _delete.Transaction = transaction;
            _delete.CommandText = "DELETE FROM chunks WHERE document_id = @id";
            _deleteId = _delete.Add("@id", DbType.String);
            _insert = connection.CreateCommand();
            _insert.Transaction = transaction;
            _insert.CommandText = """
                INSERT INTO chunks (id, document_id, collection, position, heading_path, text, start_offset, end_offset, embedding, embedding_model)
                VALUES (@id, @doc, @collection, @position, @heading, @text, @start, @end, @embedding, @model)
                ON CONFLICT(id) DO UPDATE SET document_id = excluded.document_id, collection = excluded.collection,
                    position = excluded.position, heading_path = excluded.heading_path, text = excluded.text,
                    start_offset = excluded.start_offset, end_offset = excluded.end_offset,
                    embedding = excluded.embedding, embedding_model = excluded.embedding_model
                """;
            _id = _insert.Add("@id", DbType.String);
            _document = _insert.Add("@doc", DbType.String);
            _collection = _insert.Add("@collection", DbType.String);
            _position = _insert.Add("@position", DbType.Int32);
            _heading = _insert.Add("@heading", DbType.String);
            _text = _insert.Add("@text", DbType.String);
            _start = _insert.Add("@start", DbType.Int32);
            _end = _insert.Add("@end", DbType.Int32);
            _embedding = _insert.Add("@embedding", DbType.Binary);
            _model = _insert.Add("@model", DbType.String);
        }

        public async Task ReplaceAsync(string documentId, IReadOnlyList<Chunk> chunks, IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
        {
            _deleteId.Value = documentId;
            await _delete.ExecuteNonQueryAsync(cancellationToken);
            object model = embeddings is ModelEmbeddings { Model: var name } ? EmbeddingModelId.Canonical(name) : DBNull.Value;
            foreach (var chunk in chunks)
            {
                _id.Value = chunk.Id;
                _document.Value = chunk.DocumentId;
                _collection.Value = chunk.Collection;
                _position.Value = chunk.Position;
                _heading.Value = chunk.HeadingPath;
                _text.Value = chunk.Text;
                _start.Value = chunk.Start;
                _end.Value = chunk.End;
                float[]? vector = null;
                var embedded = embeddings is not null && embeddings.TryGetValue(chunk.Id, out vector);
                _embedding.Value = embedded ? MemoryMarshal.AsBytes(vector.AsSpan()).ToArray() : DBNull.Value;
                _model.Value = embedded ? model : DBNull.Value;
                await _insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _delete.DisposeAsync();
            await _insert.DisposeAsync();
        }
    }
}
