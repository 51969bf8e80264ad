using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace RagLab.Testing;

// Model import on FakeOllamaServer, per reference/ollama/api.md: "Check if a Blob Exists" (HEAD /api/blobs/:digest), "Push a Blob"
// (POST /api/blobs/:digest: 201, or 400 when the content's digest is not the one named), "Create a Model" (POST /api/create from
// `files`, streamed status objects) and "Delete a Model" (DELETE /api/delete: 200, or 404).
public sealed partial class FakeOllamaServer
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonElement> _created = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Blobs the server holds, by digest (<c>sha256:…</c>). Add one to make a push unnecessary.</summary>
    public IDictionary<string, byte[]> Blobs => _blobs;

    /// <summary>The <c>/api/create</c> request of each model created, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> CreatedModels => _created;

    /// <summary>When set, <c>/api/create</c> writes the model's manifest, then streams <c>{"error": this}</c> instead of success.</summary>
    public string? RefuseCreate { get; set; }

    private void MapModelImport(WebApplication app)
    {
        app.MapMethods("/api/blobs/{digest}", ["HEAD"], (HttpContext ctx, string digest) =>
        {
            ctx.Response.StatusCode = _blobs.ContainsKey(digest) ? 200 : 404;
            return Task.CompletedTask;
        });
        app.MapPost("/api/blobs/{digest}", (HttpContext ctx, string digest) =>
        {
            var bytes = (byte[])ctx.Items["bytes"]!;
            if (digest != "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)))
                return WriteError(ctx, 400, "digest mismatch");
            _blobs[digest] = bytes;
            ctx.Response.StatusCode = 201;
            return Task.CompletedTask;
        });
        app.MapPost("/api/create", ctx => Create(ctx));
        app.MapDelete("/api/delete", ctx =>
        {
            if (!TryReadBody(ctx, out var body) || GetString(body, "model") is not { } model) return WriteError(ctx, 400, "model is required");
            if (!HasModel(model)) return WriteError(ctx, 404, $"model '{model}' not found");
            lock (Models)
                Models.Remove(Models.First(m => SameModel(m, model)));
            _created.TryRemove(model, out _);
            return Task.CompletedTask;
        });
    }

    private async Task Create(HttpContext context)
    {
        if (!TryReadBody(context, out var body) || GetString(body, "model") is not { } model)
        {
            await WriteError(context, 400, "model is required");
            return;
        }
        if (body.TryGetProperty("files", out var files))
        {
            foreach (var file in files.EnumerateObject())
                if (file.Value.GetString() is not { } digest || !_blobs.ContainsKey(digest))
                {
                    await WriteError(context, 400, $"file {file.Name}: blob {file.Value} not found, push it first");
                    return;
                }
        }
        else if (GetString(body, "from") is not { } from || !HasModel(from))
        {
            await WriteError(context, 400, "neither 'from' nor 'files' was specified");
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        await WriteLine(context, new { status = "converting model" });
        if (GetString(body, "quantize") is { } quantize)
            await WriteLine(context, new { status = $"quantizing F16 model to {quantize.ToUpperInvariant()}", digest = "0", total = 100, completed = 100 });
        await WriteLine(context, new { status = "creating new layer sha256:" + Digest(model) });
        await WriteLine(context, new { status = "writing manifest" });
        AddModel(model);
        if (RefuseCreate is { } refusal)
        {
            // The manifest is written and then the create fails: the worst case for the client, which must delete the model.
            await WriteLine(context, new { error = refusal });
            return;
        }
        _created[model] = body;
        await WriteLine(context, new { status = "success" });
    }
}
