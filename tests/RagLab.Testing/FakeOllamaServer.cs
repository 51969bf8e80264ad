using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RagLab.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks Ollama's API as documented in shared/reference/ollama: <c>GET /</c>, <c>/api/version</c>,
/// <c>/api/tags</c>, <c>/api/show</c>, <c>/api/pull</c>, <c>/api/chat</c> (NDJSON or one object), <c>/api/embed</c>, and the
/// OpenAI-compatible <c>/v1/chat/completions</c> (SSE), <c>/v1/embeddings</c> and <c>/v1/models</c>. <c>/api/chat</c> also calls tools
/// (<see cref="CallTools"/>) and refuses tools for <see cref="ModelsWithoutTools"/>.
/// </summary>
/// <remarks>
/// Answers are deterministic: <see cref="Respond"/> writes the text, streamed as words with their following space; embeddings are
/// <see cref="FakeOllamaEmbedding"/>. Token counts are word counts. Change <see cref="Models"/> between requests, not during one.
/// <code>
/// await using var ollama = await FakeOllamaServer.StartAsync();
/// var http = new HttpClient { BaseAddress = ollama.BaseAddress };
/// </code>
/// </remarks>
public sealed partial class FakeOllamaServer : IAsyncDisposable
{
    /// <summary>What <c>GET /api/version</c> reports.</summary>
    public const string Version = "0.12.6";

    private static readonly Regex TokenPattern = new(@"\S+\s*", RegexOptions.Compiled);
    private readonly WebApplication _app;
    private readonly List<FakeRecordedRequest> _requests = [];

    private FakeOllamaServer(WebApplication app) => _app = app;

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:54321/</c>. Ollama clients use it as is; OpenAI clients add <c>v1</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><see cref="BaseAddress"/> + <c>v1</c>: the endpoint for OpenAI-compatible clients.</summary>
    public Uri OpenAiEndpoint => new(BaseAddress, "v1");

    /// <summary>
    /// Models the server has. Requests naming others get 404, as Ollama does. <c>/api/pull</c> adds to it. The server locks on it
    /// while reading or changing it (concurrent pulls); change it between requests, or under <c>lock (Models)</c>.
    /// </summary>
    public ISet<string> Models { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "qwen2.5:1.5b", "all-minilm" };

    /// <summary>Writes the assistant's answer from the conversation. Default: <c>"You asked: " + last user message</c>.</summary>
    public Func<IReadOnlyList<FakeChatMessage>, string> Respond { get; set; } = DefaultRespond;

    /// <summary>
    /// Fault mode "stall": when set, a streamed <c>/api/chat</c> or <c>/v1/chat/completions</c> sends this many tokens, then sends
    /// nothing more and keeps the connection open until the client gives up (a model server that hangs mid-answer).
    /// </summary>
    public int? StallStreamAfterTokens { get; set; }

    /// <summary>
    /// Fault mode "fail": when true, every <c>/api/chat</c> answers 500 with an Ollama error body, and every
    /// <c>/v1/chat/completions</c> 500 with an OpenAI error object.
    /// </summary>
    public bool FailChat { get; set; }

    /// <summary>
    /// When set, writes the answer instead of <see cref="Respond"/>, from the model asked and the conversation: models that answer
    /// differently (a base model and its fine-tuned version).
    /// </summary>
    public Func<string, IReadOnlyList<FakeChatMessage>, string>? RespondAs { get; set; }

    /// <summary>When set, a streamed <c>/api/chat</c> sends this many tokens, then an <c>{"error": ...}</c> line, then ends.</summary>
    public int? FailStreamAfterTokens { get; set; }

    /// <summary>The <c>error</c> text sent after <see cref="FailStreamAfterTokens"/> tokens.</summary>
    public string StreamErrorMessage { get; set; } = "an error was encountered while running the model";

    /// <summary>The <c>{architecture}.context_length</c> that <c>/api/show</c> reports for chat models.</summary>
    public int ChatContextLength { get; set; } = 32768;

    /// <summary>Pause before each streamed token (both APIs).</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>Awaited before <c>/api/embed</c> answers (with the request's abort token), e.g. to hold a job mid-way.</summary>
    public Func<CancellationToken, Task>? BeforeEmbed { get; set; }

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<FakeRecordedRequest> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
    }

    /// <summary>The requests to one path, e.g. <c>/api/chat</c>.</summary>
    public IReadOnlyList<FakeRecordedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path).ToList();

    /// <summary>Starts a server on a free port of 127.0.0.1.</summary>
    public static Task<FakeOllamaServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(0, cancellationToken);

    /// <summary>Starts a server on the given port of 127.0.0.1 (0 picks a free one), e.g. to bring up a server a client already points at.</summary>
    public static async Task<FakeOllamaServer> StartAsync(int port, CancellationToken cancellationToken = default)
    {
        // The empty builder reads no appsettings and watches no files: tests start many of these servers.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var server = new FakeOllamaServer(app);
        server.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        // The port is known only once Kestrel has bound it.
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string DefaultRespond(IReadOnlyList<FakeChatMessage> messages) =>
        "You asked: " + (messages.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty);

    /// <summary>Words with their following whitespace: how the fake splits answers into streamed tokens.</summary>
    public static IReadOnlyList<string> Tokenize(string text) => TokenPattern.Matches(text).Select(m => m.Value).ToList();

    private static int CountTokens(string text) => TokenPattern.Count(text);

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            string body;
            if (context.Request.Path.StartsWithSegments("/api/blobs"))
            {
                // Blobs are binary files (model weights): kept as bytes, recorded with an empty body.
                using var bytes = new MemoryStream();
                await context.Request.Body.CopyToAsync(bytes, context.RequestAborted);
                context.Items["bytes"] = bytes.ToArray();
                body = "";
            }
            else
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }
            context.Items["body"] = body;
            lock (_requests)
                _requests.Add(new FakeRecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", body));
            await next(context);
        });

        // What Ollama's root answers; health checks (the AppHost's among them) use it.
        app.MapGet("/", ctx =>
        {
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            return ctx.Response.WriteAsync("Ollama is running", ctx.RequestAborted);
        });
        app.MapGet("/api/version", ctx => WriteJson(ctx, 200, new { version = Version }));
        app.MapGet("/api/tags", ctx => Tags(ctx));
        app.MapPost("/api/show", ctx => Show(ctx));
        app.MapPost("/api/pull", ctx => Pull(ctx));
        app.MapPost("/api/chat", ctx => Chat(ctx));
        app.MapPost("/api/embed", ctx => Embed(ctx));
        app.MapPost("/v1/chat/completions", ctx => OpenAiChat(ctx));
        app.MapPost("/v1/embeddings", ctx => OpenAiEmbeddings(ctx));
        app.MapGet("/v1/models", ctx => OpenAiModels(ctx));
        app.MapGet("/v1/models/{*model}", ctx => OpenAiModel(ctx));
        MapModelImport(app);
    }

    private bool HasModel(string? name)
    {
        if (name is null) return false;
        lock (Models)
            return Models.Any(m => SameModel(m, name));
    }

    /// <summary>The models, sorted, read under the lock.</summary>
    private List<string> ModelNames()
    {
        lock (Models)
            return Models.Order(StringComparer.Ordinal).ToList();
    }

    private void AddModel(string name)
    {
        lock (Models)
            Models.Add(name);
    }

    private static bool SameModel(string a, string b) => string.Equals(WithTag(a), WithTag(b), StringComparison.OrdinalIgnoreCase);

    private static string WithTag(string name) => name[(name.LastIndexOf('/') + 1)..].Contains(':') ? name : name + ":latest";

    private static string ModelNotFound(string? model) => $"model \"{model}\" not found, try pulling it first";

    private static bool TryReadBody(HttpContext context, out JsonElement body)
    {
        try
        {
            body = JsonDocument.Parse((string)context.Items["body"]!).RootElement.Clone();
            return body.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            body = default;
            return false;
        }
    }

    private static string? GetString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private Task WriteJson(HttpContext context, int status, object body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private Task WriteError(HttpContext context, int status, string message) => WriteJson(context, status, new { error = message });

    private static async Task WriteLine(HttpContext context, object line)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(line) + "\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private Task Tags(HttpContext context) => WriteJson(context, 200, new
    {
        models = ModelNames().Select(name => new
        {
            name = WithTag(name),
            model = WithTag(name),
            modified_at = "2025-05-10T08:06:48.639712648-07:00",
            size = 1_000_000L + name.Length,
            digest = Digest(name),
            details = Details(name),
        }).ToList(),
    });

    private static string Digest(string name) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static bool IsEmbeddingModel(string name) => name.Contains("minilm", StringComparison.OrdinalIgnoreCase) || name.Contains("embed", StringComparison.OrdinalIgnoreCase);

    private static object Details(string name) => new
    {
        parent_model = "",
        format = "gguf",
        family = IsEmbeddingModel(name) ? "bert" : "qwen2",
        families = new[] { IsEmbeddingModel(name) ? "bert" : "qwen2" },
        parameter_size = IsEmbeddingModel(name) ? "23M" : "1.5B",
        quantization_level = IsEmbeddingModel(name) ? "F16" : "Q4_K_M",
    };

    private Task Show(HttpContext context)
    {
        if (!TryReadBody(context, out var body) || GetString(body, "model") is not { } model)
            return WriteError(context, 400, "model is required");
        if (!HasModel(model))
            return WriteError(context, 404, $"model '{model}' not found");
        var architecture = IsEmbeddingModel(model) ? "bert" : "qwen2";
        return WriteJson(context, 200, new
        {
            modelfile = $"# Modelfile generated by \"ollama show\"\nFROM {model}",
            parameters = "stop                           \"<|im_end|>\"",
            template = "{{ .Prompt }}",
            license = "Apache License 2.0",
            modified_at = "2025-05-10T08:06:48.639712648-07:00",
            details = Details(model),
            model_info = new Dictionary<string, object>
            {
                ["general.architecture"] = architecture,
                ["general.file_type"] = IsEmbeddingModel(model) ? 1 : 15,
                ["general.parameter_count"] = IsEmbeddingModel(model) ? 22_600_000L : 1_540_000_000L,
                ["general.quantization_version"] = 2,
                [$"{architecture}.context_length"] = IsEmbeddingModel(model) ? 512 : ChatContextLength,
                [$"{architecture}.embedding_length"] = IsEmbeddingModel(model) ? FakeOllamaEmbedding.Dimensions : 1536,
            },
            capabilities = IsEmbeddingModel(model) ? new[] { "embedding" } : SupportsTools(model) ? new[] { "completion", "tools" } : new[] { "completion" },
        });
    }

    private async Task Pull(HttpContext context)
    {
        if (!TryReadBody(context, out var body) || GetString(body, "model") is not { } model)
        {
            await WriteError(context, 400, "model is required");
            return;
        }
        var stream = !body.TryGetProperty("stream", out var s) || s.ValueKind != JsonValueKind.False;
        if (!stream)
        {
            AddModel(model);
            await WriteJson(context, 200, new { status = "success" });
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        var digest = "sha256:" + Digest(model);
        const long total = 4_000_000;
        await WriteLine(context, new { status = "pulling manifest" });
        await WriteLine(context, new { status = $"pulling {digest[7..19]}", digest, total });
        for (var completed = total / 4; completed <= total; completed += total / 4)
        {
            await Task.Delay(TokenDelay, context.RequestAborted);
            await WriteLine(context, new { status = $"pulling {digest[7..19]}", digest, total, completed });
        }
        await WriteLine(context, new { status = "verifying sha256 digest" });
        await WriteLine(context, new { status = "writing manifest" });
        AddModel(model);
        await WriteLine(context, new { status = "removing any unused layers" });
        await WriteLine(context, new { status = "success" });
    }

    private static List<FakeChatMessage> ReadMessages(JsonElement body)
    {
        var messages = new List<FakeChatMessage>();
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array)
            return messages;
        foreach (var message in array.EnumerateArray())
        {
            var role = GetString(message, "role") ?? "user";
            var content = message.TryGetProperty("content", out var c) ? c : default;
            var text = content.ValueKind switch
            {
                JsonValueKind.String => content.GetString() ?? "",
                // OpenAI's array of content parts: keep the text parts.
                JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => GetString(p, "text") ?? "")),
                _ => "",
            };
            messages.Add(new FakeChatMessage(role, text, ReadToolCalls(message), GetString(message, "tool_name")));
        }
        return messages;
    }

    /// <summary>The answer's tokens, cut to <paramref name="limit"/> when set; <c>length</c> when cut, else <c>stop</c>.</summary>
    private (IReadOnlyList<string> Tokens, string FinishReason) Answer(string model, IReadOnlyList<FakeChatMessage> messages, int? limit)
    {
        var tokens = Tokenize(RespondAs is { } respondAs ? respondAs(model, messages) : Respond(messages));
        return limit is > 0 && tokens.Count > limit ? (tokens.Take(limit.Value).ToList(), "length") : (tokens, "stop");
    }

    private static int? GetInt(JsonElement body, params string[] path)
    {
        var current = body;
        foreach (var name in path)
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                return null;
        return current.ValueKind == JsonValueKind.Number ? current.GetInt32() : null;
    }

    private async Task Chat(HttpContext context)
    {
        if (!TryReadBody(context, out var body))
        {
            await WriteError(context, 400, "invalid character looking for beginning of value");
            return;
        }
        var model = GetString(body, "model");
        if (string.IsNullOrEmpty(model))
        {
            await WriteError(context, 400, "model is required");
            return;
        }
        if (!HasModel(model))
        {
            await WriteError(context, 404, ModelNotFound(model));
            return;
        }

        if (FailChat)
        {
            await WriteError(context, 500, "llama runner process has terminated: exit status 2");
            return;
        }

        var messages = ReadMessages(body);
        var promptTokens = messages.Sum(m => CountTokens(m.Content));
        var stream = !body.TryGetProperty("stream", out var s) || s.ValueKind != JsonValueKind.False;
        if (!TryReadTools(body, out var tools, out var toolError))
        {
            await WriteError(context, 400, toolError!);
            return;
        }
        if (tools.Count > 0 && !SupportsTools(model))
        {
            await WriteError(context, 400, $"registry.ollama.ai/library/{WithTag(model)} does not support tools");
            return;
        }
        if (tools.Count > 0 && CallTools?.Invoke(new FakeChatRequest(model, messages, tools)) is { Count: > 0 } calls)
        {
            await WriteToolCalls(context, model, calls, stream, promptTokens);
            return;
        }
        var (tokens, doneReason) = Answer(model, messages, GetInt(body, "options", "num_predict"));
        if (!stream)
        {
            await WriteJson(context, 200, Final(model, string.Concat(tokens), doneReason, promptTokens, tokens.Count));
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i == FailStreamAfterTokens)
            {
                await WriteLine(context, new { error = StreamErrorMessage });
                return;
            }
            if (i == StallStreamAfterTokens)
            {
                await StallAsync(context);
                return;
            }
            await Task.Delay(TokenDelay, context.RequestAborted);
            await WriteLine(context, new { model, created_at = Now(), message = new { role = "assistant", content = tokens[i] }, done = false });
        }
        if (FailStreamAfterTokens is { } failAt && failAt >= tokens.Count)
        {
            await WriteLine(context, new { error = StreamErrorMessage });
            return;
        }
        await WriteLine(context, Final(model, "", doneReason, promptTokens, tokens.Count));
    }

    /// <summary>Keeps the response open, sending nothing, until the client gives up.</summary>
    private static async Task StallAsync(HttpContext context)
    {
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static object Final(string model, string content, string doneReason, int promptTokens, int outputTokens) => new
    {
        model,
        created_at = Now(),
        message = new { role = "assistant", content },
        done = true,
        done_reason = doneReason,
        total_duration = 5_000_000L + outputTokens * 1_000_000L,
        load_duration = 1_000_000L,
        prompt_eval_count = promptTokens,
        prompt_eval_duration = 2_000_000L,
        eval_count = outputTokens,
        eval_duration = outputTokens * 1_000_000L,
    };

    private static List<string>? ReadInput(JsonElement body) =>
        !body.TryGetProperty("input", out var input) ? null
        : input.ValueKind == JsonValueKind.String ? [input.GetString()!]
        : input.ValueKind == JsonValueKind.Array && input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? input.EnumerateArray().Select(e => e.GetString()!).ToList()
            : null;

    private async Task Embed(HttpContext context)
    {
        if (BeforeEmbed is { } wait)
            await wait(context.RequestAborted);
        await EmbedNow(context);
    }

    private Task EmbedNow(HttpContext context)
    {
        if (!TryReadBody(context, out var body) || GetString(body, "model") is not { } model)
            return WriteError(context, 400, "model is required");
        if (!HasModel(model))
            return WriteError(context, 404, ModelNotFound(model));
        if (ReadInput(body) is not { } inputs)
            return WriteError(context, 400, "invalid input type");
        return WriteJson(context, 200, new
        {
            model,
            embeddings = inputs.Select(FakeOllamaEmbedding.Embed).ToList(),
            total_duration = 14_143_917L,
            load_duration = 1_019_500L,
            prompt_eval_count = inputs.Sum(CountTokens),
        });
    }
}
