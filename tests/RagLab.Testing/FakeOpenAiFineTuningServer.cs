using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RagLab.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks the OpenAI fine-tuning API as its OpenAPI description (openai/openai-openapi)
/// defines it: <c>POST /v1/files</c> (multipart <c>file</c>, <c>purpose</c>), <c>GET|POST /v1/fine_tuning/jobs</c>,
/// <c>GET /v1/fine_tuning/jobs/{id}</c>, <c>GET /v1/fine_tuning/jobs/{id}/events</c> (newest first, <c>after</c>, <c>limit</c>),
/// <c>POST /v1/fine_tuning/jobs/{id}/cancel</c>, <c>DELETE /v1/models/{model}</c>, and <c>POST /v1/chat/completions</c> for the
/// base and fine-tuned models. Errors are <c>{"error": {"message", "type", "param", "code"}}</c>; every call needs a Bearer key.
/// </summary>
/// <remarks>
/// Training is scripted: each <c>GET /v1/fine_tuning/jobs/{id}</c> moves a job one step (validating_files, queued, then running
/// steps 1..<see cref="TotalSteps"/> with a <c>metrics</c> event each, then succeeded with <c>fine_tuned_model</c>, which then answers
/// chat). Losses follow the same curve as <see cref="FakeTrainerServer"/>: train 2/step, validation 2.2/step at the last step.
/// The spec leaves a metrics event's <c>data</c> untyped; it carries the names of the checkpoint <c>metrics</c> object
/// (<c>step</c>, <c>train_loss</c>, <c>train_mean_token_accuracy</c>, <c>valid_loss</c>, <c>valid_mean_token_accuracy</c>) and
/// <c>total_steps</c>, as the live API's metrics events do.
/// </remarks>
public sealed partial class FakeOpenAiFineTuningServer : IAsyncDisposable
{
    /// <summary>The organization in <c>organization_id</c> and in fine-tuned model names (<c>ft:{model}:{organization}:{suffix}:{id}</c>).</summary>
    public const string Organization = "raglab-test";

    private static readonly string[] Purposes = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeOpenAiFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeOpenAiFineTuningJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _deleted = new(StringComparer.Ordinal);
    private readonly List<FakeRecordedRequest> _requests = [];
    private int _sequence;

    private FakeOpenAiFineTuningServer(WebApplication app) => _app = app;

    /// <summary>The server's root; OpenAI clients use <see cref="Endpoint"/>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><see cref="BaseAddress"/> + <c>v1</c>, the OpenAI SDK's endpoint.</summary>
    public Uri Endpoint => new(BaseAddress, "v1");

    /// <summary>Models that can be fine-tuned and chatted with; fine-tuned models are added as their jobs succeed.</summary>
    public ISet<string> BaseModels { get; } = new HashSet<string>(StringComparer.Ordinal) { "gpt-4o-mini-2024-07-18" };

    /// <summary>Fine-tuned models the server serves (created by succeeded jobs, removed by <c>DELETE /v1/models/{model}</c>).</summary>
    public IReadOnlyCollection<string> FineTunedModels => _jobs.Values.Where(j => j.Status == "succeeded" && j.FineTunedModel is not null && !_deleted.ContainsKey(j.FineTunedModel))
        .Select(j => j.FineTunedModel!).ToList();

    public int TotalSteps { get; set; } = 3;

    /// <summary>When set, a job fails at step <see cref="FailAtStep"/> with this <c>error</c> (code and message).</summary>
    public (string Code, string Message)? FailWith { get; set; }

    public int FailAtStep { get; set; } = 2;

    /// <summary>True: a job stays running at step 1 until it is cancelled.</summary>
    public bool HoldRunning { get; set; }

    /// <summary>Writes a chat answer from the model asked and the conversation. Default: <c>"You asked: " + last user message</c>.</summary>
    public Func<string, IReadOnlyList<FakeChatMessage>, string> Respond { get; set; } =
        (_, messages) => "You asked: " + (messages.LastOrDefault(m => m.Role == "user")?.Content ?? "");

    public IReadOnlyCollection<FakeOpenAiFineTuningJob> Jobs => _jobs.Values.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();

    public IReadOnlyCollection<FakeOpenAiFile> Files => _files.Values.ToList();

    public FakeOpenAiFile File(string id) => _files[id];

    /// <summary>Every request received so far, in arrival order (multipart bodies are recorded empty; see <see cref="Files"/>).</summary>
    public IReadOnlyList<FakeRecordedRequest> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
    }

    public IReadOnlyList<FakeRecordedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path).ToList();

    public static async Task<FakeOpenAiFineTuningServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var server = new FakeOpenAiFineTuningServer(app);
        server.Map(app);
        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var body = "";
            if (!context.Request.HasFormContentType)
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }
            context.Items["body"] = body;
            lock (_requests)
                _requests.Add(new FakeRecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", body));
            if (context.Request.Headers.Authorization.FirstOrDefault() is not { } auth || !auth.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                await Error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.").ExecuteAsync(context);
                return;
            }
            await next(context);
        });

        app.MapPost("/v1/files", UploadAsync);
        app.MapGet("/v1/fine_tuning/jobs", (int? limit, string? after) => Page(Jobs.Reverse().ToList(), j => j.Id, after, limit ?? 20, ToJson));
        app.MapPost("/v1/fine_tuning/jobs", (HttpContext context) => Create(context));
        app.MapGet("/v1/fine_tuning/jobs/{id}", (string id) => _jobs.TryGetValue(id, out var job) ? Results.Json(ToJson(Advance(job))) : UnknownJob(id));
        app.MapGet("/v1/fine_tuning/jobs/{id}/events", (string id, int? limit, string? after) =>
        {
            if (!_jobs.TryGetValue(id, out var job)) return UnknownJob(id);
            List<FakeOpenAiEvent> newestFirst;
            lock (job) newestFirst = Enumerable.Reverse(job.Events).ToList();
            return Page(newestFirst, e => e.Id, after, limit ?? 20, e => new
            {
                @object = "fine_tuning.job.event",
                id = e.Id,
                created_at = e.CreatedAt,
                level = e.Level,
                message = e.Message,
                data = e.Data,
                type = e.Type,
            });
        });
        app.MapPost("/v1/fine_tuning/jobs/{id}/cancel", (string id) =>
        {
            if (!_jobs.TryGetValue(id, out var job)) return UnknownJob(id);
            lock (job)
            {
                if (job.IsFinished) return Error(400, $"Job has already completed: {id}");
                job.CancelRequested = true;
                job.Status = "cancelled";
                job.FinishedAt = Now();
                AddEvent(job, "info", "Fine-tuning job cancelled", "message", null);
                return Results.Json(ToJson(job));
            }
        });
        app.MapDelete("/v1/models/{model}", (string model) =>
        {
            if (!FineTunedModels.Contains(model)) return Error(404, $"The model '{model}' does not exist", code: "model_not_found");
            _deleted[model] = true;
            return Results.Json(new { id = model, @object = "model", deleted = true });
        });
        app.MapPost("/v1/chat/completions", (HttpContext context) => ChatAsync(context));
    }

    private async Task<IResult> UploadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return Error(400, "Send multipart/form-data with 'file' and 'purpose'.");
        var form = await request.ReadFormAsync();
        if (form.Files.GetFile("file") is not { } upload) return Error(400, "'file' is a required property", param: "file");
        if (form["purpose"].FirstOrDefault() is not { } purpose || !Purposes.Contains(purpose))
            return Error(400, $"'{form["purpose"]}' is not one of {string.Join(", ", Purposes)} - 'purpose'", param: "purpose");
        using var bytes = new MemoryStream();
        await upload.CopyToAsync(bytes);
        var file = AddFile(upload.FileName, purpose, bytes.ToArray());
        return Results.Json(FileJson(file));
    }

    private FakeOpenAiFile AddFile(string filename, string purpose, byte[] content)
    {
        var file = new FakeOpenAiFile($"file-{Interlocked.Increment(ref _sequence):D6}", filename, purpose, content, Now());
        _files[file.Id] = file;
        return file;
    }

    private static object FileJson(FakeOpenAiFile file) => new
    {
        id = file.Id,
        @object = "file",
        bytes = file.Content.LongLength,
        created_at = file.CreatedAt,
        filename = file.Filename,
        purpose = file.Purpose,
        status = "processed",
    };

    private IResult Create(HttpContext context)
    {
        JsonElement body;
        try { body = JsonDocument.Parse((string)context.Items["body"]!).RootElement.Clone(); }
        catch (JsonException ex) { return Error(400, $"We could not parse the JSON body of your request: {ex.Message}"); }
        if (Text(body, "model") is not { } model) return Error(400, "you must provide a model parameter", param: "model");
        if (!BaseModels.Contains(model)) return Error(400, $"Model {model} is not available for fine-tuning or does not exist.", param: "model", code: "model_not_available");
        if (Text(body, "training_file") is not { } training || !_files.TryGetValue(training, out var trainingFile) || trainingFile.Purpose != "fine-tune")
            return Error(400, $"invalid training_file: {Text(body, "training_file")}", param: "training_file");
        var validation = Text(body, "validation_file");
        if (validation is not null && (!_files.TryGetValue(validation, out var validationFile) || validationFile.Purpose != "fine-tune"))
            return Error(400, $"invalid validation_file: {validation}", param: "validation_file");
        var suffix = Text(body, "suffix");
        if (suffix is { Length: 0 or > 64 }) return Error(400, "suffix must be between 1 and 64 characters", param: "suffix");

        var job = new FakeOpenAiFineTuningJob($"ftjob-{Interlocked.Increment(ref _sequence):D6}", model, training, validation, suffix, body, Now());
        AddEvent(job, "info", "Validating training file: " + training + (validation is null ? "" : " and validation file: " + validation), "message", null);
        _jobs[job.Id] = job;
        return Results.Json(ToJson(job));
    }

    /// <summary>One step of the scripted training, taken on each retrieve.</summary>
    private FakeOpenAiFineTuningJob Advance(FakeOpenAiFineTuningJob job)
    {
        lock (job)
        {
            switch (job.Status)
            {
                case "validating_files":
                    job.Status = "queued";
                    AddEvent(job, "info", "Files validated, moving job to queued state", "message", null);
                    break;
                case "queued":
                    job.Status = "running";
                    AddEvent(job, "info", "Fine-tuning job started", "message", null);
                    Train(job);
                    break;
                case "running" when HoldRunning:
                    break;
                case "running" when FailWith is { } failure && job.Step >= FailAtStep:
                    job.Status = "failed";
                    job.Error = failure;
                    job.FinishedAt = Now();
                    AddEvent(job, "error", failure.Message, "message", null);
                    break;
                case "running" when job.Step >= TotalSteps:
                    Succeed(job);
                    break;
                case "running":
                    Train(job);
                    break;
            }
            return job;
        }
    }

    private void Train(FakeOpenAiFineTuningJob job)
    {
        var step = ++job.Step;
        var trainLoss = Math.Round(2.0 / step, 4);
        double? validLoss = step == TotalSteps && job.ValidationFile is not null ? Math.Round(2.2 / step, 4) : null;
        var data = new Dictionary<string, object>
        {
            ["step"] = step,
            ["train_loss"] = trainLoss,
            ["train_mean_token_accuracy"] = Math.Round(0.5 + 0.4 * step / TotalSteps, 4),
            ["total_steps"] = TotalSteps,
        };
        if (validLoss is { } valid)
        {
            data["valid_loss"] = valid;
            data["valid_mean_token_accuracy"] = Math.Round(0.45 + 0.4 * step / TotalSteps, 4);
        }
        AddEvent(job, "info", $"Step {step}/{TotalSteps}: training loss={trainLoss:0.00}" + (validLoss is { } v ? $", validation loss={v:0.00}" : ""), "metrics", data);
    }

    private void Succeed(FakeOpenAiFineTuningJob job)
    {
        job.Status = "succeeded";
        job.FineTunedModel = $"ft:{job.Model}:{Organization}:{job.Suffix ?? ""}:{job.Id[^6..]}";
        job.FinishedAt = Now();
        var epochs = job.Hyperparameters is { } h && h.TryGetProperty("n_epochs", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 3;
        job.TrainedTokens = _files[job.TrainingFile].Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).LongLength * epochs;
        var results = AddFile("step_metrics.csv", "fine-tune-results",
            Encoding.UTF8.GetBytes("step,train_loss\n" + string.Join('\n', Enumerable.Range(1, TotalSteps).Select(s => $"{s},{Math.Round(2.0 / s, 4)}"))));
        job.ResultFiles.Add(results.Id);
        AddEvent(job, "info", $"New fine-tuned model created: {job.FineTunedModel}", "message", null);
        AddEvent(job, "info", "The job has successfully completed", "message", null);
    }

    private void AddEvent(FakeOpenAiFineTuningJob job, string level, string message, string type, object? data) =>
        job.Events.Add(new FakeOpenAiEvent($"ftevent-{Interlocked.Increment(ref _sequence):D6}", Now(), level, message, type, data));

    /// <summary>The <c>fine_tuning.job</c> object, with every field the spec marks required.</summary>
    private static object ToJson(FakeOpenAiFineTuningJob job)
    {
        object Hyper(string name) => job.Hyperparameters is { } h && h.TryGetProperty(name, out var value) ? value : "auto";
        var hyperparameters = new { batch_size = Hyper("batch_size"), learning_rate_multiplier = Hyper("learning_rate_multiplier"), n_epochs = Hyper("n_epochs") };
        return new
        {
            @object = "fine_tuning.job",
            id = job.Id,
            model = job.Model,
            created_at = job.CreatedAt,
            finished_at = job.FinishedAt,
            fine_tuned_model = job.FineTunedModel,
            organization_id = "org-" + Organization,
            result_files = job.ResultFiles,
            status = job.Status,
            validation_file = job.ValidationFile,
            training_file = job.TrainingFile,
            hyperparameters,
            trained_tokens = job.TrainedTokens,
            error = job.Error is { } e ? new { code = e.Code, message = e.Message, param = (string?)null } : null,
            integrations = Array.Empty<object>(),
            seed = 42,
            estimated_finish = (long?)null,
            method = new { type = "supervised", supervised = new { hyperparameters } },
            metadata = (object?)null,
        };
    }

    /// <summary>A cursor page: items after the one with id <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    private static IResult Page<T>(IReadOnlyList<T> items, Func<T, string> id, string? after, int limit, Func<T, object> json)
    {
        var start = after is null ? 0 : items.Select(id).ToList().IndexOf(after) + 1;
        var page = items.Skip(start).Take(Math.Clamp(limit, 1, 100)).ToList();
        return Results.Json(new { @object = "list", data = page.Select(json).ToList(), has_more = start + page.Count < items.Count });
    }

    private static IResult UnknownJob(string id) => Error(404, $"Could not find fine-tune: {id}", code: "fine_tune_not_found");

    private static IResult Error(int status, string message, string? param = null, string? code = null) =>
        Results.Json(new { error = new { message, type = "invalid_request_error", param, code } }, statusCode: status);

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
