using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagLab.AppHost.Resources;

namespace RagLab.AppHost.Stack;

/// <summary>
/// Chooses, for each dependency of the lab, between an existing server (<c>ConnectionStrings:{name}</c> in the AppHost's
/// configuration), a container, a host executable and the embedded default, and adds the chosen resource.
/// Every choice is logged at start.
/// </summary>
public sealed class LabStack
{
    private readonly List<string> _choices = [];

    private LabStack(IDistributedApplicationBuilder builder, LabSettings settings)
    {
        Builder = builder;
        Settings = settings;
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RagLab.AppHost");
            logger.LogInformation("Runtime: {Runtime} ({Reason}); data in {DataDirectory}",
                settings.Containers ? "containers" : "host executables", settings.ContainersReason, settings.DataDirectory);
            foreach (var choice in _choices) logger.LogInformation("{Choice}", choice);
            return Task.CompletedTask;
        });
    }

    public IDistributedApplicationBuilder Builder { get; }

    public LabSettings Settings { get; }

    public static LabStack Plan(IDistributedApplicationBuilder builder) =>
        new(builder, LabSettings.Read(builder.Configuration, builder.AppHostDirectory));

    /// <summary>Chat and embedding models: existing servers, else Ollama (container or <c>ollama serve</c>) pulling them, else none.</summary>
    public (LabService? Chat, LabService? Embeddings) AddModels(string serverName, string chatName, string embeddingsName)
    {
        var chat = Existing(chatName);
        var embeddings = Existing(embeddingsName);
        if (chat is not null && embeddings is not null) return (chat, embeddings);

        IResourceBuilder<IOllamaServerResource>? ollama = null;
        LabServiceMode mode = LabServiceMode.Container;
        if (Settings.Containers)
        {
            ollama = Builder.AddOllamaContainer(serverName, Settings.Gpu);
            Note($"{serverName}: Ollama container, GPU {Settings.Gpu.ToString().ToLowerInvariant()} ({Settings.GpuReason})");
        }
        else if (Settings.Tools.Ollama is { } command)
        {
            ollama = Builder.AddOllamaExecutable(serverName, command, Path.Combine(Settings.DataDirectory, "ollama"));
            mode = LabServiceMode.Executable;
            Note($"{serverName}: {command} serve");
        }
        else
        {
            Note($"{serverName}: none (no container engine, no 'ollama' on PATH); the Api answers extractively and probes http://localhost:11434");
        }
        if (ollama is null) return (chat, embeddings);

        chat ??= new(ollama.AddModel(chatName, Settings.ChatModel), mode, $"{Settings.ChatModel} on {serverName}");
        embeddings ??= new(ollama.AddModel(embeddingsName, Settings.EmbeddingModel), mode, $"{Settings.EmbeddingModel} on {serverName}");
        return (chat, embeddings);
    }

    /// <summary>Qdrant: existing (<c>ConnectionStrings:{name}_http</c>), container, <c>qdrant</c> executable, else the embedded indexes.</summary>
    public LabService? AddVectorDb(string name)
    {
        if (Existing($"{name}_http") is { } existing) return existing;
        if (Settings.Containers)
        {
            Note($"{name}: Qdrant container");
            return new(Builder.AddQdrantContainer(name), LabServiceMode.Container, "Qdrant container");
        }
        if (Settings.Tools.Qdrant is { } command)
        {
            Note($"{name}: {command}");
            return new(Builder.AddQdrantExecutable(name, command, Path.Combine(Settings.DataDirectory, "qdrant")), LabServiceMode.Executable, command);
        }
        Note($"{name}: embedded (in-process BM25 and vector indexes; no container engine, no 'qdrant' on PATH)");
        return null;
    }

    /// <summary>Redis: existing, container (persistent, plain TCP), <c>redis-server</c>, else the in-memory cache and in-process jobs.</summary>
    public LabService? AddCache(string name)
    {
        if (Existing(name) is { } existing) return existing;
        if (Settings.Containers)
        {
            Note($"{name}: Redis container");
#pragma warning disable ASPIRECERTIFICATES001 // keeps plain TCP on the loopback even where a dev certificate is trusted (no ",ssl=true")
            var redis = Builder.AddRedis(name).WithDataVolume().WithPersistence().WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
            return new(redis, LabServiceMode.Container, "Redis container");
        }
        if (Settings.Tools.RedisServer is { } command)
        {
            Note($"{name}: {command}");
            return new(Builder.AddRedisExecutable(name, command, Path.Combine(Settings.DataDirectory, "redis")), LabServiceMode.Executable, command);
        }
        Note($"{name}: embedded (in-memory answer cache, jobs run inside the Api; no container engine, no redis-server on PATH)");
        return null;
    }

    /// <summary>Postgres database <c>raglab</c>: existing, container, Debian's Postgres as an executable, else none (SQLite).</summary>
    public LabService? AddDb(string name, string databaseName)
    {
        if (Existing(name) is { } existing) return existing;
        if (Settings.Containers)
        {
            Note($"{name}: Postgres container, database {databaseName}");
            var server = Builder.AddPostgres("postgres").WithDataVolume();
            return new(server.AddDatabase(name, databaseName), LabServiceMode.Container, "Postgres container");
        }
        if (Settings.Tools.PostgresBin is { } bin)
        {
            Note($"{name}: {bin}/postgres, database {databaseName}");
            var database = Builder.AddPostgresExecutable("postgres", bin, Path.Combine(Settings.DataDirectory, "postgres")).AddDatabase(name, databaseName);
            return new(database, LabServiceMode.Executable, $"{bin}/postgres");
        }
        Note($"{name}: none (SQLite in the data directory; no container engine, no Postgres under /usr/lib/postgresql)");
        return null;
    }

    private LabService? Existing(string name)
    {
        if (string.IsNullOrWhiteSpace(Builder.Configuration.GetConnectionString(name))) return null;
        Note($"{name}: existing server from ConnectionStrings:{name}");
        return new(Builder.AddConnectionString(name), LabServiceMode.Existing, $"ConnectionStrings:{name}");
    }

    private void Note(string choice) => _choices.Add(choice);
}
