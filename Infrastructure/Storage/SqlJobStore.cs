using RagLab.Core.Jobs;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// Job records in the system of record (SQLite or Postgres), so queued and running jobs survive a restart: the queue
/// (in-process, or Redis Streams) only delivers them.
/// </summary>
public sealed class SqlJobStore(SqlDatabase database, TimeProvider time) : IJobStore
{
    private static string Schema(SqlDialect sql) => $"""
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, progress {sql.Double} NOT NULL, payload TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT NULL, message TEXT NULL, attempts INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status, created_at);
        """;

    private readonly SchemaOnce _schema = new(() => database.EnsureSchemaAsync(Schema(database.Dialect), CancellationToken.None));

    public async Task<JobRecord> CreateAsync(string kind, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var job = new JobRecord(Guid.NewGuid().ToString("n"), kind, JobStatus.Queued, 0, payload, now, now);
        await ExecuteAsync("""
            INSERT INTO jobs (id, kind, status, progress, payload, created_at, updated_at)
            VALUES (@id, @kind, 'queued', 0, @payload, @now, @now)
            """, cancellationToken, ("@id", job.Id), ("@kind", kind), ("@payload", payload), ("@now", now.ToString("O")));
        return job;
    }

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @id", cancellationToken, ("@id", jobId))).FirstOrDefault();

    public Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken) =>
        QueryAsync("WHERE status IN ('queued', 'running') ORDER BY created_at", cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListAsync(string? kind, int limit, CancellationToken cancellationToken) =>
        kind is null
            ? QueryAsync("ORDER BY created_at DESC LIMIT @limit", cancellationToken, ("@limit", limit))
            : QueryAsync("WHERE kind = @kind ORDER BY created_at DESC LIMIT @limit", cancellationToken, ("@kind", kind), ("@limit", limit));

    public async Task<JobCounts> CountUnfinishedAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(null,
            "SELECT COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) " +
            "FROM jobs WHERE status IN ('queued', 'running')");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new JobCounts(Convert.ToInt32(reader.GetValue(0)), Convert.ToInt32(reader.GetValue(1)));
    }

    public Task MarkRunningAsync(string jobId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET status = 'running', attempts = attempts + 1, error = NULL, updated_at = @now WHERE id = @id",
            cancellationToken, ("@id", jobId), ("@now", Now()));

    public Task ReportProgressAsync(string jobId, double progress, string? message, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET progress = @p, message = @m, updated_at = @now WHERE id = @id",
            cancellationToken, ("@id", jobId), ("@p", Math.Clamp(progress, 0, 1)), ("@m", message), ("@now", Now()));

    public Task CompleteAsync(string jobId, string? message, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET status = 'succeeded', progress = 1, message = @m, updated_at = @now WHERE id = @id",
            cancellationToken, ("@id", jobId), ("@m", message), ("@now", Now()));

    public Task FailAsync(string jobId, string error, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE jobs SET status = 'failed', error = @e, updated_at = @now WHERE id = @id",
            cancellationToken, ("@id", jobId), ("@e", error), ("@now", Now()));

    private string Now() => time.GetUtcNow().ToString("O");

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await _schema.EnsureAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.AddValue(name, value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<JobRecord>> QueryAsync(string clause, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await _schema.EnsureAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, kind, status, progress, payload, created_at, updated_at, error, message, attempts FROM jobs " + clause;
        foreach (var (name, value) in parameters) command.AddValue(name, value);
        var jobs = new List<JobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new JobRecord(
                reader.GetString(0), reader.GetString(1), Enum.Parse<JobStatus>(reader.GetString(2), ignoreCase: true),
                reader.GetDouble(3), reader.GetString(4),
                DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(reader.GetString(6), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt32(9)));
        }
        return jobs;
    }
}
