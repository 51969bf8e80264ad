using System.Data.Common;
using System.Text.Json;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// The few places where the SQL the stores write differs between SQLite and Postgres. Everything else (parameters as
/// <c>@name</c>, <c>INSERT … ON CONFLICT … DO UPDATE</c>, <c>RETURNING</c>, <c>LIMIT</c>) is written once for both.
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new("sqlite", isPostgres: false);
    public static readonly SqlDialect Postgres = new("postgres", isPostgres: true);

    private SqlDialect(string name, bool isPostgres)
    {
        Name = name;
        IsPostgres = isPostgres;
    }

    public string Name { get; }

    public bool IsPostgres { get; }

    /// <summary>Column type for raw bytes.</summary>
    public string Blob => IsPostgres ? "BYTEA" : "BLOB";

    /// <summary>Column type for a double (SQLite's REAL is 8 bytes; Postgres's is 4).</summary>
    public string Double => IsPostgres ? "DOUBLE PRECISION" : "REAL";

    /// <summary>Text that sorts by code point, as SQLite's default BINARY collation does (a Postgres database may default to a locale).</summary>
    public string OrdinalText => IsPostgres ? "TEXT COLLATE \"C\"" : "TEXT";

    /// <summary>A column that numbers rows in insertion order (SQLite has its implicit rowid; Postgres needs one).</summary>
    public string InsertionOrderColumn => IsPostgres ? "seq BIGSERIAL NOT NULL," : "";

    /// <summary>What <see cref="InsertionOrderColumn"/> is called in ORDER BY.</summary>
    public string InsertionOrder => IsPostgres ? "seq" : "rowid";

    /// <summary>
    /// A condition that <paramref name="column"/> is one of the strings bound by <see cref="AddList"/> under
    /// <paramref name="parameter"/>: one query for a whole list, whatever its length.
    /// </summary>
    public string InList(string column, string parameter) =>
        IsPostgres ? $"{column} = ANY({parameter})" : $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <summary>Binds a list of strings for <see cref="InList"/>: a text array in Postgres, a JSON array for SQLite's json_each.</summary>
    public void AddList(DbCommand command, string parameter, IReadOnlyList<string> values) =>
        command.AddValue(parameter, IsPostgres ? values.ToArray() : JsonSerializer.Serialize(values));

    /// <summary>
    /// A statement run before the schema's DDL in the same transaction, so that two processes starting together (the Api and
    /// the Worker) do not race on <c>CREATE TABLE IF NOT EXISTS</c>, which Postgres does not make atomic. Null for SQLite,
    /// where each DDL statement takes the file's write lock on its own.
    /// </summary>
    public string? SchemaLock => IsPostgres ? "SELECT pg_advisory_xact_lock(7355608)" : null;
}
