using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// The embedded database file (<c>raglab.db</c> in the data directory), the default when no Postgres is configured.
/// WAL mode lets the Api, the Worker and the CLI share the file on one host.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    public override string Location => Path;

    /// <summary>Opens a connection with WAL, foreign keys and a busy timeout set.</summary>
    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // The settings belong to the native connection, which the pool reuses: set them once per handle, not on every
        // open (six PRAGMAs cost as much as a BM25 query's top-K read).
        if (connection.Handle is { } handle && !Configured.TryGetValue(handle, out _))
        {
            await using var pragma = connection.CreateCommand();
            // mmap and a larger page cache: BM25 keeps chunk text out of its index and reads the top K back from here on every query.
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL; " +
                "PRAGMA mmap_size=268435456; PRAGMA cache_size=-16384;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            Configured.AddOrUpdate(handle, Marker);
        }
        return connection;
    }

    private static readonly ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();
}
