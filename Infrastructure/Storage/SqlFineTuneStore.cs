using System.Text.Json;
using System.Data;
using System.Data.Common;
using RagLab.Core.FineTuning;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// Datasets (with their examples), fine-tuning jobs and events, and model versions in the system of record, SQLite or Postgres (tables prefixed
/// <c>ft_</c>). Plain SQL with JSON text columns, which both engines read alike.
/// </summary>
public sealed class SqlFineTuneStore(SqlDatabase database, TimeProvider? timeProvider = null) : IFineTuneStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS ft_datasets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            collection TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            statistics_json TEXT,
            settings TEXT NOT NULL,
            excluded_json TEXT NOT NULL,
            job_id TEXT,
            error TEXT);
        CREATE TABLE IF NOT EXISTS ft_examples (
            dataset_id TEXT NOT NULL REFERENCES ft_datasets(id) ON DELETE CASCADE,
            split TEXT NOT NULL,
            position INTEGER NOT NULL,
            example_json TEXT NOT NULL,
            PRIMARY KEY (dataset_id, split, position));
        CREATE TABLE IF NOT EXISTS ft_jobs (
            id TEXT PRIMARY KEY,
            collection TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            status TEXT NOT NULL,
            cancel_requested INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            job_json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ft_events (
            job_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            event_json TEXT NOT NULL,
            PRIMARY KEY (job_id, sequence));
        CREATE TABLE IF NOT EXISTS ft_versions (
            id TEXT PRIMARY KEY,
            collection TEXT NOT NULL,
            number INTEGER NOT NULL,
            dataset_id TEXT NOT NULL,
            active INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            version_json TEXT NOT NULL,
            UNIQUE (collection, number));
        CREATE TABLE IF NOT EXISTS ft_version_numbers (
            collection TEXT PRIMARY KEY,
            last_number INTEGER NOT NULL);
        """;

    private readonly SchemaOnce _schema = new(() => database.EnsureSchemaAsync(Schema, CancellationToken.None));

    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await database.OpenAsync(cancellationToken);
    }

    // Datasets

    public async Task SaveDatasetAsync(TrainingDataset dataset, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT INTO ft_datasets (id, name, collection, kind, status, created_at, statistics_json, settings, excluded_json, job_id, error)
            VALUES (@id, @name, @collection, @kind, @status, @created, @statistics, @settings, @excluded, @job, @error)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, statistics_json = excluded.statistics_json,
                settings = excluded.settings, excluded_json = excluded.excluded_json, job_id = excluded.job_id, error = excluded.error
            """, cancellationToken,
            ("@id", dataset.Id), ("@name", dataset.Name), ("@collection", dataset.Collection), ("@kind", dataset.Kind.ToString()),
            ("@status", dataset.Status.ToString()), ("@created", dataset.CreatedAt.ToString("O")),
            ("@statistics", dataset.Statistics is null ? null : JsonSerializer.Serialize(dataset.Statistics, Json)), ("@settings", dataset.Settings),
            ("@excluded", JsonSerializer.Serialize(dataset.ExcludedEvalSets, Json)), ("@job", dataset.JobId), ("@error", dataset.Error));
    }

    public async Task CompleteDatasetAsync(string datasetId, IReadOnlyList<TrainingExample> train, IReadOnlyList<TrainingExample> validation, DatasetStatistics statistics, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "DELETE FROM ft_examples WHERE dataset_id = @id", cancellationToken, ("@id", datasetId));
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO ft_examples (dataset_id, split, position, example_json) VALUES (@id, @split, @position, @json)";
            var id = insert.Add("@id", DbType.String);
            var split = insert.Add("@split", DbType.String);
            var position = insert.Add("@position", DbType.Int64);
            var json = insert.Add("@json", DbType.String);
            id.Value = datasetId;
            foreach (var (part, examples) in new[] { (DatasetSplit.Train, train), (DatasetSplit.Validation, validation) })
            {
                split.Value = part.ToString();
                for (var i = 0; i < examples.Count; i++)
                {
                    position.Value = i;
                    json.Value = JsonSerializer.Serialize(examples[i], Json);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }
        var updated = await ExecuteAsync(connection, transaction, "UPDATE ft_datasets SET status = @status, statistics_json = @statistics, error = NULL WHERE id = @id",
            cancellationToken, ("@id", datasetId), ("@status", DatasetStatus.Ready.ToString()), ("@statistics", JsonSerializer.Serialize(statistics, Json)));
        if (updated == 0) throw new NotFoundException($"No dataset with id '{datasetId}'.");
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task FailDatasetAsync(string datasetId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE ft_datasets SET status = @status, error = @error WHERE id = @id", cancellationToken,
            ("@id", datasetId), ("@status", DatasetStatus.Failed.ToString()), ("@error", error));
    }

    public async Task<TrainingDataset?> GetDatasetAsync(string datasetId, CancellationToken cancellationToken) =>
        (await QueryDatasetsAsync("WHERE id = @id", cancellationToken, ("@id", datasetId))).FirstOrDefault();

    public Task<IReadOnlyList<TrainingDataset>> ListDatasetsAsync(string? collection, CancellationToken cancellationToken) =>
        collection is null ? QueryDatasetsAsync("", cancellationToken) : QueryDatasetsAsync("WHERE collection = @collection", cancellationToken, ("@collection", collection));

    private async Task<IReadOnlyList<TrainingDataset>> QueryDatasetsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT id, name, collection, kind, status, created_at, statistics_json, settings, excluded_json, job_id, error FROM ft_datasets {where} ORDER BY created_at DESC, id", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var datasets = new List<TrainingDataset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            datasets.Add(new TrainingDataset(reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<DatasetKind>(reader.GetString(3)),
                Enum.Parse<DatasetStatus>(reader.GetString(4)), DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : JsonSerializer.Deserialize<DatasetStatistics>(reader.GetString(6), Json), reader.GetString(7),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(8), Json) ?? [], reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }
        return datasets;
    }

    public async Task<IReadOnlyList<TrainingExample>> GetExamplesAsync(string datasetId, DatasetSplit split, int? limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT example_json FROM ft_examples WHERE dataset_id = @id AND split = @split ORDER BY position LIMIT @limit",
            ("@id", datasetId), ("@split", split.ToString()), ("@limit", limit ?? -1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var examples = new List<TrainingExample>();
        while (await reader.ReadAsync(cancellationToken))
            examples.Add(JsonSerializer.Deserialize<TrainingExample>(reader.GetString(0), Json)!);
        return examples;
    }

    public async Task<bool> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var running = Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM ft_jobs WHERE dataset_id = @id AND status NOT IN ('Succeeded', 'Failed', 'Cancelled')", cancellationToken, ("@id", datasetId)));
        if (running > 0)
            throw new ValidationException($"Dataset '{datasetId}' is being trained on by {running} fine-tuning job(s); cancel them or wait for them to finish.");
        var versions = Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM ft_versions WHERE dataset_id = @id", cancellationToken, ("@id", datasetId)));
        if (versions > 0)
            throw new ValidationException($"Dataset '{datasetId}' is the training data of {versions} model version(s), which record it; delete those versions first.");
        await ExecuteAsync(connection, null, "DELETE FROM ft_examples WHERE dataset_id = @id", cancellationToken, ("@id", datasetId));
        return await ExecuteAsync(connection, null, "DELETE FROM ft_datasets WHERE id = @id", cancellationToken, ("@id", datasetId)) > 0;
    }

    // Jobs

    public async Task SaveJobAsync(FineTuneJob job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await UpsertJobAsync(connection, null, job, cancellationToken);
    }

    public async Task<FineTuneEvent> TransitionJobAsync(FineTuneJob job, string message, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await UpsertJobAsync(connection, transaction, job, cancellationToken);
        var @event = await InsertEventAsync(connection, transaction, job.Id, FineTuneEventKind.Status, message, job.Status, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return @event;
    }

    private static Task<int> UpsertJobAsync(DbConnection connection, DbTransaction? transaction, FineTuneJob job, CancellationToken cancellationToken) =>
        // A cancel request is only ever set (by RequestCancelAsync), never cleared by a save from a worker holding an older copy.
        ExecuteAsync(connection, transaction, """
            INSERT INTO ft_jobs (id, collection, dataset_id, status, cancel_requested, created_at, job_json)
            VALUES (@id, @collection, @dataset, @status, @cancel, @created, @json)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, job_json = excluded.job_json,
                cancel_requested = CASE WHEN ft_jobs.cancel_requested = 1 THEN 1 ELSE excluded.cancel_requested END
            """, cancellationToken,
            ("@id", job.Id), ("@collection", job.Collection), ("@dataset", job.DatasetId), ("@status", job.Status.ToString()),
            ("@cancel", job.CancelRequested ? 1 : 0), ("@created", job.CreatedAt.ToString("O")), ("@json", JsonSerializer.Serialize(job, Json)));

    public async Task<FineTuneJob?> GetJobAsync(string id, CancellationToken cancellationToken) =>
        (await QueryJobsAsync("WHERE id = @id", cancellationToken, ("@id", id))).FirstOrDefault();

    public Task<IReadOnlyList<FineTuneJob>> ListJobsAsync(string? collection, CancellationToken cancellationToken) =>
        collection is null ? QueryJobsAsync("", cancellationToken) : QueryJobsAsync("WHERE collection = @collection", cancellationToken, ("@collection", collection));

    private async Task<IReadOnlyList<FineTuneJob>> QueryJobsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT job_json, cancel_requested FROM ft_jobs {where} ORDER BY created_at DESC, id", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<FineTuneJob>();
        while (await reader.ReadAsync(cancellationToken))
            jobs.Add(JsonSerializer.Deserialize<FineTuneJob>(reader.GetString(0), Json)! with { CancelRequested = Convert.ToInt64(reader.GetValue(1)) != 0 });
        return jobs;
    }

    public async Task<bool> RequestCancelAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "UPDATE ft_jobs SET cancel_requested = 1 WHERE id = @id AND status NOT IN ('Succeeded', 'Failed', 'Cancelled')",
            cancellationToken, ("@id", id)) > 0;
    }

    public async Task<FineTuneEvent?> AddEventAsync(string jobId, FineTuneEventKind kind, string message, FineTuneStatus? status, TrainingMetric? metric, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        // The terminal status event stays the last one: whatever arrives after it (a progress stream still being read) is dropped.
        var current = await ScalarAsync(connection, "SELECT status FROM ft_jobs WHERE id = @id", cancellationToken, ("@id", jobId), transaction) as string;
        if (current is not null && Enum.TryParse<FineTuneStatus>(current, out var jobStatus) && jobStatus.IsFinished()) return null;
        var @event = await InsertEventAsync(connection, transaction, jobId, kind, message, status, metric, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return @event;
    }

    private async Task<FineTuneEvent> InsertEventAsync(DbConnection connection, DbTransaction transaction, string jobId, FineTuneEventKind kind, string message,
        FineTuneStatus? status, TrainingMetric? metric, CancellationToken cancellationToken)
    {
        var sequence = 1 + Convert.ToInt64(await ScalarAsync(connection, "SELECT COALESCE(MAX(sequence), 0) FROM ft_events WHERE job_id = @id", cancellationToken, ("@id", jobId), transaction));
        var @event = new FineTuneEvent(sequence, jobId, _time.GetUtcNow(), kind, message, status, metric);
        await ExecuteAsync(connection, transaction, "INSERT INTO ft_events (job_id, sequence, created_at, event_json) VALUES (@id, @sequence, @created, @json)", cancellationToken,
            ("@id", jobId), ("@sequence", sequence), ("@created", @event.At.ToString("O")), ("@json", JsonSerializer.Serialize(@event, Json)));
        return @event;
    }

    public async Task<IReadOnlyList<FineTuneEvent>> GetEventsAsync(string jobId, long afterSequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT event_json FROM ft_events WHERE job_id = @id AND sequence > @after ORDER BY sequence",
            ("@id", jobId), ("@after", afterSequence));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<FineTuneEvent>();
        while (await reader.ReadAsync(cancellationToken))
            events.Add(JsonSerializer.Deserialize<FineTuneEvent>(reader.GetString(0), Json)!);
        return events;
    }

    // Versions

    public async Task<int> ReserveVersionNumberAsync(string collection, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO ft_version_numbers (collection, last_number) VALUES (@collection, 1)
            ON CONFLICT (collection) DO UPDATE SET last_number = ft_version_numbers.last_number + 1
            """, cancellationToken, ("@collection", collection));
        var number = Convert.ToInt32(await ScalarAsync(connection, "SELECT last_number FROM ft_version_numbers WHERE collection = @collection", cancellationToken, ("@collection", collection), transaction));
        await transaction.CommitAsync(cancellationToken);
        return number;
    }

    public async Task AddVersionAsync(ModelVersion version, bool activate, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (activate)
            await ExecuteAsync(connection, transaction, "UPDATE ft_versions SET active = 0 WHERE collection = @collection", cancellationToken, ("@collection", version.Collection));
        await ExecuteAsync(connection, transaction, """
            INSERT INTO ft_versions (id, collection, number, dataset_id, active, created_at, version_json) VALUES (@id, @collection, @number, @dataset, @active, @created, @json)
            """, cancellationToken, ("@id", version.Id), ("@collection", version.Collection), ("@number", version.Number), ("@dataset", version.DatasetId), ("@active", activate ? 1 : 0),
            ("@created", version.CreatedAt.ToString("O")), ("@json", JsonSerializer.Serialize(version with { Active = false }, Json)));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<ModelVersion?> GetVersionAsync(string id, CancellationToken cancellationToken) =>
        (await QueryVersionsAsync("WHERE id = @id", cancellationToken, ("@id", id))).FirstOrDefault();

    public Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string? collection, CancellationToken cancellationToken) =>
        collection is null ? QueryVersionsAsync("", cancellationToken) : QueryVersionsAsync("WHERE collection = @collection", cancellationToken, ("@collection", collection));

    public async Task<ModelVersion?> GetActiveVersionAsync(string collection, CancellationToken cancellationToken) =>
        (await QueryVersionsAsync("WHERE collection = @collection AND active = 1", cancellationToken, ("@collection", collection))).FirstOrDefault();

    private async Task<IReadOnlyList<ModelVersion>> QueryVersionsAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT version_json, active FROM ft_versions {where} ORDER BY collection, number DESC", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<ModelVersion>();
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(JsonSerializer.Deserialize<ModelVersion>(reader.GetString(0), Json)! with { Active = Convert.ToInt64(reader.GetValue(1)) != 0 });
        return versions;
    }

    public async Task<bool> ActivateVersionAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (DbTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var collection = await ScalarAsync(connection, "SELECT collection FROM ft_versions WHERE id = @id", cancellationToken, ("@id", id), transaction) as string;
        if (collection is null) return false;
        await ExecuteAsync(connection, transaction, "UPDATE ft_versions SET active = CASE WHEN id = @id THEN 1 ELSE 0 END WHERE collection = @collection", cancellationToken,
            ("@id", id), ("@collection", collection));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task SaveForgettingAsync(string versionId, ForgettingResult result, CancellationToken cancellationToken)
    {
        var version = await GetVersionAsync(versionId, cancellationToken) ?? throw new NotFoundException($"No model version with id '{versionId}'.");
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE ft_versions SET version_json = @json WHERE id = @id", cancellationToken,
            ("@id", versionId), ("@json", JsonSerializer.Serialize(version with { Active = false, Forgetting = result }, Json)));
    }

    public async Task<bool> DeleteVersionAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, "DELETE FROM ft_versions WHERE id = @id", cancellationToken, ("@id", id)) > 0;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.AddValue(name, value);
        return command;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken, (string, object?) parameter, DbTransaction? transaction = null)
    {
        await using var command = Command(connection, transaction, sql, parameter);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
