using Microsoft.Data.Sqlite;
using Npgsql;
using RagLab.Infrastructure.Storage;

namespace RagLab.Testing;

/// <summary>A fresh, empty system of record for one test: a SQLite file in a temporary folder, or a new database on a <see cref="PostgresServer"/>.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly List<NpgsqlDataSource> _others = [];

    private TestDatabase(SqlDatabase database, string? directory, NpgsqlDataSource? dataSource)
    {
        Database = database;
        _directory = directory;
        _dataSource = dataSource;
    }

    public SqlDatabase Database { get; }

    /// <summary>A second, independent connection pool on the same data, as another process (the Worker, the CLI) would open it.</summary>
    public SqlDatabase OpenAnother()
    {
        if (_dataSource is null) return new SqliteDatabase(((SqliteDatabase)Database).Path);
        var other = NpgsqlDataSource.Create(_dataSource.ConnectionString + ";Application Name=another process");
        _others.Add(other);
        return new PostgresDatabase(other);
    }

    public static TestDatabase Sqlite()
    {
        var directory = Directory.CreateTempSubdirectory("raglab-store-").FullName;
        return new TestDatabase(new SqliteDatabase(Path.Combine(directory, "raglab.db")), directory, null);
    }

    public static async Task<TestDatabase> PostgresAsync(PostgresServer server)
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        return new TestDatabase(new PostgresDatabase(dataSource), null, dataSource);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others) await other.DisposeAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        if (_directory is null) return;
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
