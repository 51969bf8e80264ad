using System.Text.Json;
using System.Data.Common;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Kernel;
using RagLab.Core.Evaluation.Sets;

namespace RagLab.Infrastructure.Storage;

/// <summary>Eval sets, runs and results in the system of record, SQLite or Postgres (tables prefixed <c>eval_</c>). Records are stored as JSON.</summary>
public sealed class SqlEvalStore(SqlDatabase database, TimeProvider? timeProvider = null) : IEvalStore
{
    private const string AnswerKind = "answer";
    private const string RetrievalKind = "retrieval";
    private const string FreshnessKind = "freshness";
    private const string GeneratedSetKind = "generated-set";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    private static string Schema(SqlDialect sql) => $"""
        CREATE TABLE IF NOT EXISTS eval_sets (
            id TEXT PRIMARY KEY,
            name {sql.OrdinalText} NOT NULL,
            version INTEGER NOT NULL,
            collection TEXT NOT NULL,
            created_at TEXT NOT NULL,
            item_count INTEGER NOT NULL,
            source TEXT NOT NULL,
            held_out INTEGER NOT NULL,
            UNIQUE (name, version));
        CREATE TABLE IF NOT EXISTS eval_items (
            set_id TEXT NOT NULL REFERENCES eval_sets(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT,
            relevant_json TEXT NOT NULL,
            tags_json TEXT NOT NULL,
            unanswerable INTEGER NOT NULL,
            PRIMARY KEY (set_id, item_id));
        CREATE TABLE IF NOT EXISTS eval_runs (
            id TEXT PRIMARY KEY,
            set_id TEXT NOT NULL REFERENCES eval_sets(id) ON DELETE CASCADE,
            request_json TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            job_id TEXT,
            error TEXT,
            summary_json TEXT);
        CREATE TABLE IF NOT EXISTS eval_results (
            {sql.InsertionOrderColumn}
            run_id TEXT NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            item_id TEXT NOT NULL,
            mode TEXT NOT NULL,
            retriever TEXT NOT NULL,
            record_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, kind, item_id, mode, retriever));
        CREATE INDEX IF NOT EXISTS eval_runs_set ON eval_runs(set_id);
        CREATE TABLE IF NOT EXISTS eval_job_results (
            job_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            result_json TEXT NOT NULL,
            created_at TEXT NOT NULL);
        """;

    // Created once per process on first use, so a job resumed at start never meets a missing table.
    private readonly SchemaOnce _schema = new(() => database.EnsureSchemaAsync(Schema(database.Dialect), CancellationToken.None));

    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await database.OpenAsync(cancellationToken);
    }

    public async Task<EvalSet> ImportAsync(EvalSetDraft draft, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(draft.Name)) throw new ValidationException("Give the eval set a name.");
        if (draft.Items.Count == 0) throw new ValidationException($"Eval set '{draft.Name}' has no questions.");
        var duplicate = draft.Items.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ValidationException($"Eval set '{draft.Name}' uses the item id '{duplicate.Key}' more than once.");
        var collection = CollectionName.Normalize(draft.Collection);
        var name = draft.Name.Trim();

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var version = 1 + Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM eval_sets WHERE name = @name", cancellationToken, ("@name", name)));
        var set = new EvalSet(NewId(), name, version, collection, _time.GetUtcNow(), draft.Items.Count, draft.Source, draft.HeldOutFromTraining);

        await ExecuteAsync(connection, transaction,
            "INSERT INTO eval_sets (id, name, version, collection, created_at, item_count, source, held_out) VALUES (@id, @name, @version, @collection, @created, @count, @source, @held)",
            cancellationToken, ("@id", set.Id), ("@name", name), ("@version", version), ("@collection", collection), ("@created", set.CreatedAt.ToString("O")),
            ("@count", set.ItemCount), ("@source", set.Source.ToString()), ("@held", set.HeldOutFromTraining ? 1 : 0));

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO eval_items (set_id, position, item_id, question, answer, relevant_json, tags_json, unanswerable) VALUES (@set, @position, @id, @question, @answer, @relevant, @tags, @unanswerable)";
            // Untyped: each engine takes the type from the value (text, or an integer for position and unanswerable).
            var parameters = new[] { "@set", "@position", "@id", "@question", "@answer", "@relevant", "@tags", "@unanswerable" }.Select(n => insert.AddValue(n, null)).ToArray();
            for (var i = 0; i < draft.Items.Count; i++)
            {
                var item = draft.Items[i];
                object?[] values = [set.Id, i, item.Id, item.Question, item.Answer, JsonSerializer.Serialize(item.RelevantDocuments, Json), JsonSerializer.Serialize(item.Tags, Json), item.Unanswerable ? 1 : 0];
                for (var p = 0; p < parameters.Length; p++) parameters[p].Value = values[p] ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return set;
    }

    public async Task<EvalSet?> GetSetAsync(string setId, CancellationToken cancellationToken) =>
        (await QuerySetsAsync("WHERE id = @id", cancellationToken, ("@id", setId))).FirstOrDefault();

    public Task<IReadOnlyList<EvalSet>> ListSetsAsync(string? collection, CancellationToken cancellationToken) =>
        collection is null
            ? QuerySetsAsync("", cancellationToken)
            : QuerySetsAsync("WHERE collection = @collection", cancellationToken, ("@collection", collection));

    public async Task<IReadOnlyList<EvalItem>> GetItemsAsync(string setId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT item_id, question, answer, relevant_json, tags_json, unanswerable FROM eval_items WHERE set_id = @set ORDER BY position", ("@set", setId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<EvalItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new EvalItem(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonSerializer.Deserialize<string[]>(reader.GetString(3), Json) ?? [],
                JsonSerializer.Deserialize<string[]>(reader.GetString(4), Json) ?? [],
                reader.GetInt32(5) != 0));
        }
        return items;
    }

    public async Task<bool> DeleteSetAsync(string setId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Items, runs and results cascade (SQLite: SqliteDatabase turns foreign keys on; Postgres always enforces them).
        return await ExecuteAsync(connection, null, "DELETE FROM eval_sets WHERE id = @id", cancellationToken, ("@id", setId)) > 0;
    }

    public async Task<IReadOnlySet<string>> GetQuestionsAsync(string setId, CancellationToken cancellationToken) =>
        QuestionSet(await GetItemsAsync(setId, cancellationToken));

    public async Task<IReadOnlySet<string>> GetHeldOutQuestionsAsync(string? collection, CancellationToken cancellationToken)
    {
        var questions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in (await ListSetsAsync(collection, cancellationToken)).Where(s => s.HeldOutFromTraining))
            questions.UnionWith(await GetQuestionsAsync(set.Id, cancellationToken));
        return questions;
    }

    public async Task<EvalRun> CreateRunAsync(EvalRunRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        if (await GetSetAsync(request.SetId, cancellationToken) is null)
            throw new NotFoundException($"Eval set '{request.SetId}' does not exist; list sets to find its id.");
        var now = _time.GetUtcNow();
        var run = new EvalRun(NewId(), request.SetId, request, EvalRunStatus.Pending, now, now);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO eval_runs (id, set_id, request_json, status, created_at, updated_at) VALUES (@id, @set, @request, @status, @now, @now)",
            cancellationToken, ("@id", run.Id), ("@set", run.SetId), ("@request", JsonSerializer.Serialize(request, Json)), ("@status", run.Status.ToString()), ("@now", now.ToString("O")));
        return run;
    }

    public async Task<EvalRun?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        (await QueryRunsAsync("WHERE id = @id", cancellationToken, ("@id", runId))).FirstOrDefault();

    public Task<IReadOnlyList<EvalRun>> ListRunsAsync(string? setId, CancellationToken cancellationToken) =>
        setId is null ? QueryRunsAsync("", cancellationToken) : QueryRunsAsync("WHERE set_id = @set", cancellationToken, ("@set", setId));

    public async Task UpdateRunAsync(string runId, EvalRunStatus status, string? error, EvalRunSummary? summary, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "UPDATE eval_runs SET status = @status, error = @error, summary_json = COALESCE(@summary, summary_json), updated_at = @now WHERE id = @id",
            cancellationToken, ("@id", runId), ("@status", status.ToString()), ("@error", error),
            ("@summary", summary is null ? null : JsonSerializer.Serialize(summary, Json)), ("@now", _time.GetUtcNow().ToString("O")));
    }

    public async Task<bool> DeleteRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Results cascade with the run (foreign keys are on).
        return await ExecuteAsync(connection, null, "DELETE FROM eval_runs WHERE id = @id", cancellationToken, ("@id", runId)) > 0;
    }

    public Task SaveFreshnessReportAsync(string jobId, FreshnessReport report, CancellationToken cancellationToken) =>
        SaveJobResultAsync(jobId, FreshnessKind, JsonSerializer.Serialize(report, Json), cancellationToken);

    public async Task<FreshnessReport?> GetFreshnessReportAsync(string jobId, CancellationToken cancellationToken) =>
        await GetJobResultAsync(jobId, FreshnessKind, cancellationToken) is { } json ? JsonSerializer.Deserialize<FreshnessReport>(json, Json) : null;

    public Task SaveGeneratedSetAsync(string jobId, string setId, CancellationToken cancellationToken) =>
        SaveJobResultAsync(jobId, GeneratedSetKind, JsonSerializer.Serialize(setId, Json), cancellationToken);

    public async Task<string?> GetGeneratedSetIdAsync(string jobId, CancellationToken cancellationToken) =>
        await GetJobResultAsync(jobId, GeneratedSetKind, cancellationToken) is { } json ? JsonSerializer.Deserialize<string>(json, Json) : null;

    private async Task SaveJobResultAsync(string jobId, string kind, string json, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO eval_job_results (job_id, kind, result_json, created_at) VALUES (@job, @kind, @json, @now) " +
            "ON CONFLICT(job_id) DO UPDATE SET kind = excluded.kind, result_json = excluded.result_json, created_at = excluded.created_at",
            cancellationToken, ("@job", jobId), ("@kind", kind), ("@json", json), ("@now", _time.GetUtcNow().ToString("O")));
    }

    private async Task<string?> GetJobResultAsync(string jobId, string kind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, "SELECT result_json FROM eval_job_results WHERE job_id = @job AND kind = @kind",
            cancellationToken, ("@job", jobId), ("@kind", kind)) as string;
    }

    public async Task SetRunJobAsync(string runId, string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE eval_runs SET job_id = @job WHERE id = @id", cancellationToken, ("@id", runId), ("@job", jobId));
    }

    public Task SaveAnswerAsync(string runId, EvalAnswerRecord record, CancellationToken cancellationToken) =>
        SaveResultAsync(runId, AnswerKind, record.ItemId, record.Mode, record.Retriever ?? "", JsonSerializer.Serialize(record, Json), cancellationToken);

    public Task SaveRetrievalAsync(string runId, EvalRetrievalRecord record, CancellationToken cancellationToken) =>
        SaveResultAsync(runId, RetrievalKind, record.ItemId, "", record.Retriever, JsonSerializer.Serialize(record, Json), cancellationToken);

    public async Task<IReadOnlyList<EvalAnswerRecord>> GetAnswersAsync(string runId, CancellationToken cancellationToken) =>
        (await GetResultsAsync(runId, AnswerKind, cancellationToken)).Select(j => JsonSerializer.Deserialize<EvalAnswerRecord>(j, Json)!).ToArray();

    public async Task<IReadOnlyList<EvalRetrievalRecord>> GetRetrievalsAsync(string runId, CancellationToken cancellationToken) =>
        (await GetResultsAsync(runId, RetrievalKind, cancellationToken)).Select(j => JsonSerializer.Deserialize<EvalRetrievalRecord>(j, Json)!).ToArray();

    internal static IReadOnlySet<string> QuestionSet(IEnumerable<EvalItem> items) =>
        items.Select(i => i.Question.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private async Task SaveResultAsync(string runId, string kind, string itemId, string mode, string retriever, string json, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO eval_results (run_id, kind, item_id, mode, retriever, record_json, created_at) VALUES (@run, @kind, @item, @mode, @retriever, @json, @now) " +
            "ON CONFLICT(run_id, kind, item_id, mode, retriever) DO UPDATE SET record_json = excluded.record_json, created_at = excluded.created_at",
            cancellationToken, ("@run", runId), ("@kind", kind), ("@item", itemId), ("@mode", mode), ("@retriever", retriever), ("@json", json), ("@now", _time.GetUtcNow().ToString("O")));
    }

    private async Task<IReadOnlyList<string>> GetResultsAsync(string runId, string kind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT record_json FROM eval_results WHERE run_id = @run AND kind = @kind ORDER BY " + database.Dialect.InsertionOrder, ("@run", runId), ("@kind", kind));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) results.Add(reader.GetString(0));
        return results;
    }

    private async Task<IReadOnlyList<EvalSet>> QuerySetsAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT id, name, version, collection, created_at, item_count, source, held_out FROM eval_sets {where} ORDER BY created_at DESC, version DESC", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sets = new List<EvalSet>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sets.Add(new EvalSet(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt32(5),
                Enum.Parse<EvalSetSource>(reader.GetString(6)), reader.GetInt32(7) != 0));
        }
        return sets;
    }

    private async Task<IReadOnlyList<EvalRun>> QueryRunsAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT id, set_id, request_json, status, created_at, updated_at, job_id, error, summary_json FROM eval_runs {where} ORDER BY created_at DESC", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<EvalRun>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new EvalRun(
                reader.GetString(0), reader.GetString(1),
                JsonSerializer.Deserialize<EvalRunRequest>(reader.GetString(2), Json)!,
                Enum.Parse<EvalRunStatus>(reader.GetString(3)),
                DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<EvalRunSummary>(reader.GetString(8), Json)));
        }
        return runs;
    }

    private static string NewId() => Guid.NewGuid().ToString("n");

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        connection.Command(transaction, sql, parameters);

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
