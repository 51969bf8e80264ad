using System.Net;
using Npgsql;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// Postgres as the system of record, as the AppHost wires it (<c>ConnectionStrings:db</c>): the Api and a Worker that share no
/// disk (each its own data directory), a real Postgres and redis-server, the embedded indexes following the store.
/// </summary>
public sealed class AspirePostgresTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private AspireStack _stack = null!;
    private TempDirectory _workerData = null!;
    private string _db = null!;

    public async Task InitializeAsync()
    {
        _stack = await AspireStack.StartAsync(models: false, vectors: false);
        _workerData = new TempDirectory();
        _db = await postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        _workerData.Dispose();
    }

    [Fact]
    public async Task A_worker_on_another_disk_indexes_an_upload_from_postgres_and_the_api_index_follows()
    {
        var database = new Dictionary<string, string?> { ["ConnectionStrings:db"] = _db, ["RagLab:IndexSyncInterval"] = "00:00:00.200" };
        using var client = _stack.CreateApi(runJobsInProcess: false, extra: database).CreateClient();
        var status = await client.GetJsonAsync("/api/status");
        var store = status.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "database");
        var settings = new NpgsqlConnectionStringBuilder(_db);
        Assert.Equal("postgres", store.GetProperty("kind").GetString());
        Assert.Equal($"127.0.0.1:{postgres.Port}/{settings.Database}", store.GetProperty("endpoint").GetString());

        var upload = await client.PostJsonAsync("/api/documents",
            new { name = "pump.md", text = "# Pump\n\nThe pump must be primed with water before the first start." }, HttpStatusCode.Accepted);
        var documentId = upload.GetProperty("documents")[0].GetProperty("id").GetString()!;
        await _stack.StartWorkerAsync(new Dictionary<string, string?>(database) { ["RagLab:DataDirectory"] = _workerData.Path });
        await client.WaitUntilReadyAsync(documentId);
        await client.WaitForJobSucceededAsync(upload.GetProperty("documents")[0].GetProperty("jobId").GetString()!);

        // The worker wrote the chunks; the Api's in-process BM25 picks them up from Postgres.
        await AspireApiCalls.WaitUntilAsync(async () =>
        {
            var hits = (await client.PostJsonAsync("/api/search", new { query = "prime the pump", retriever = "bm25" })).GetProperty("hits");
            return hits.EnumerateArray().Any(h => h.GetProperty("documentId").GetString() == documentId);
        }, "the Api's index has the worker's document");

        await using var connection = new NpgsqlConnection(_db);
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand(
            "SELECT d.status, d.name, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id), (SELECT COUNT(*) FROM blobs b WHERE b.hash = d.content_hash) " +
            "FROM documents d WHERE d.id = @id", connection);
        rows.Parameters.AddWithValue("id", documentId);
        await using var reader = await rows.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("ready", "pump.md"), (reader.GetString(0), reader.GetString(1)));
        Assert.True(reader.GetInt64(2) > 0);
        Assert.Equal(1, reader.GetInt64(3)); // the upload itself is in Postgres, not on either disk
        foreach (var data in new[] { _stack.Data.Path, _workerData.Path })
        {
            Assert.False(File.Exists(Path.Combine(data, "raglab.db")), $"a SQLite file in {data}");
            Assert.False(Directory.Exists(Path.Combine(data, "blobs")), $"uploads on disk in {data}");
        }
    }
}
