using System.Data.Common;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// The system of record: the embedded SQLite file (<see cref="SqliteDatabase"/>) or a Postgres database
/// (<see cref="PostgresDatabase"/>, when <c>ConnectionStrings:db</c> is set). Stores open a connection per operation and
/// write SQL both engines accept, asking <see cref="Dialect"/> where they differ.
/// </summary>
public abstract class SqlDatabase
{
    public abstract SqlDialect Dialect { get; }

    /// <summary>Where the data is, for the status page and the start-up log (never a password).</summary>
    public abstract string Location { get; }

    /// <summary>Opens a connection, ready to use.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs idempotent DDL (<c>CREATE TABLE IF NOT EXISTS …</c>). On Postgres in one transaction under <see cref="SqlDialect.SchemaLock"/>,
    /// one process at a time; SQLite runs each statement as it comes, as before.
    /// </summary>
    public async Task EnsureSchemaAsync(string ddl, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (Dialect.SchemaLock is not { } schemaLock)
        {
            await using var plain = connection.Command(null, ddl);
            await plain.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = connection.Command(transaction, schemaLock))
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        await using var command = connection.Command(transaction, ddl);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
