using System.Globalization;
using System.Text.Json;
using System.Data.Common;
using RagLab.Core.Generation.Prompting;

namespace RagLab.Infrastructure.Storage;

/// <summary>Each collection's <c>prompt</c>-mode prompt, one JSON row per collection in the system of record (SQLite or Postgres).</summary>
public sealed class SqlCollectionPromptStore(SqlDatabase database, TimeProvider? time = null) : ICollectionPromptStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS collection_prompts (
            collection TEXT PRIMARY KEY,
            prompt_json TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Created on first use (again after a failed attempt).
    private readonly SchemaOnce _schema = new(() => database.EnsureSchemaAsync(Schema, CancellationToken.None));

    public async Task<StoredCollectionPrompt?> GetAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT prompt_json, updated_at FROM collection_prompts WHERE collection = @collection";
        command.AddValue("@collection", collection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var prompt = JsonSerializer.Deserialize<CollectionPrompt>(reader.GetString(0), Json)
            ?? throw new InvalidDataException($"The stored prompt of collection '{collection}' is empty.");
        return new StoredCollectionPrompt(prompt, DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
    }

    public async Task<StoredCollectionPrompt> SaveAsync(string collection, CollectionPrompt prompt, CancellationToken cancellationToken)
    {
        var stored = new StoredCollectionPrompt(prompt, _time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO collection_prompts (collection, prompt_json, updated_at) VALUES (@collection, @json, @updated)
            ON CONFLICT(collection) DO UPDATE SET prompt_json = excluded.prompt_json, updated_at = excluded.updated_at
            """;
        command.AddValue("@collection", collection);
        command.AddValue("@json", JsonSerializer.Serialize(prompt, Json));
        command.AddValue("@updated", stored.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return stored;
    }

    public async Task<bool> DeleteAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM collection_prompts WHERE collection = @collection";
        command.AddValue("@collection", collection);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        return await database.OpenAsync(cancellationToken);
    }
}
