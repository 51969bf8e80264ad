using RagLab.Infrastructure.Storage;

namespace RagLab.Benchmarks;

/// <summary>A SQLite document store in a temporary folder, deleted on dispose.</summary>
internal sealed class TemporaryDocumentStore : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-bench-" + Guid.NewGuid().ToString("n"));

    public TemporaryDocumentStore()
    {
        Database = new SqliteDatabase(Path.Combine(_directory, "raglab.db"));
        Documents = new SqlDocumentStore(Database);
    }

    public SqliteDatabase Database { get; }

    public SqlDocumentStore Documents { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
