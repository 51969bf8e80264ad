using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Storage;

/// <summary>Each collection's default reader groups, one row per collection that has any, in the system of record (SQLite or Postgres).</summary>
public sealed class SqlCollectionAccessStore(SqlDatabase database, TimeProvider? time = null) : ICollectionAccessStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS collection_access (
            collection TEXT PRIMARY KEY,
            default_groups TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        """;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Created on first use (again after a failed attempt).
    private readonly SchemaOnce _schema = new(() => database.EnsureSchemaAsync(Schema, CancellationToken.None));

    public async Task<IReadOnlyList<string>?> GetDefaultGroupsAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(null, "SELECT default_groups FROM collection_access WHERE collection = @collection", ("@collection", collection));
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? DocumentGroups.Normalize(JsonSerializer.Deserialize<string[]>(json))
            : null;
    }

    public async Task SetDefaultGroupsAsync(string collection, IReadOnlyList<string>? groups, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // No groups is no row: the collection is back to "readable by everyone".
        await using var command = groups is not { Count: > 0 }
            ? connection.Command(null, "DELETE FROM collection_access WHERE collection = @collection", ("@collection", collection))
            : connection.Command(null, """
                INSERT INTO collection_access (collection, default_groups, updated_at) VALUES (@collection, @groups, @updated)
                ON CONFLICT(collection) DO UPDATE SET default_groups = excluded.default_groups, updated_at = excluded.updated_at
                """,
                ("@collection", collection), ("@groups", JsonSerializer.Serialize(groups)),
                ("@updated", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        return await database.OpenAsync(cancellationToken);
    }
}
