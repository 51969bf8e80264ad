using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Infrastructure.Ollama;
using RagLab.Infrastructure.OpenAI;
using RagLab.Infrastructure.Qdrant;
using RagLab.Infrastructure.Redis;
using RagLab.Infrastructure.Embeddings;
using RagLab.Infrastructure.FineTuning;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Generation.Agent;
using RagLab.Core.Generation.LongContext;
using RagLab.Core.Generation.Prompting;
using RagLab.Infrastructure.Health;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Jobs;
using RagLab.Infrastructure.Indexing;
using RagLab.Infrastructure.Ingestion;
using RagLab.Infrastructure.Hosting;
using StackExchange.Redis;
using Npgsql;
using RagLab.Infrastructure.ModelClients;
using RagLab.Core.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace RagLab.Infrastructure;

/// <summary>
/// Registers RagLab's domain. Every dependency is embedded unless configuration names a service for it, and each one
/// falls back on its own: <c>ConnectionStrings:chat</c>/<c>:embeddings</c> (Ollama) or <c>RagLab:OpenAI</c>,
/// <c>ConnectionStrings:vectordb_http</c> (Qdrant), <c>ConnectionStrings:cache</c> (Redis), <c>ConnectionStrings:db</c> (Postgres).
/// </summary>
public static class RagLabHostingExtensions
{
    public static IHostApplicationBuilder AddRagLab(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var section = configuration.GetSection(RagLabOptions.Section);
        services.Configure<RagLabOptions>(section);
        services.Configure<IngestionOptions>(section.GetSection("Ingestion"));
        services.Configure<ChunkingOptions>(section.GetSection("Chunking"));
        services.Configure<JobOptions>(section.GetSection("Jobs"));
        services.TryAddSingleton(TimeProvider.System);
        var health = services.AddHealthChecks();

        var dataDirectory = Path.GetFullPath((section.Get<RagLabOptions>() ?? new RagLabOptions()).DataDirectory);
        var jobs = section.GetSection("Jobs").Get<JobOptions>() ?? new JobOptions();
        var redis = configuration.GetConnectionString("cache") is { Length: > 0 } cache ? AddRedis(builder, cache) : null;
        var capacities = (configuration.GetSection(CacheCapacityOptions.SectionName).Get<CacheCapacityOptions>() ?? new CacheCapacityOptions()).Validate();

        List<DependencyChoice> dependencies =
        [
            AddStorage(builder, dataDirectory),
            AddModels(services, configuration, health, capacities),
            .. AddIndexes(services, configuration, health),
            AddAnswerCache(services, redis, health, capacities),
            AddJobQueue(services, redis, jobs, configuration),
        ];
        AddIngestion(services);
        AddGeneration(services);
        AddTelemetry(services);
        services.AddRagLabEvaluation();
        // After the base and rag modes, so mode lists read base, rag, …, finetuned, hybrid.
        dependencies.Add(services.AddRagLabFineTuning(configuration));

        services.AddSingleton(sp => new RagLabStatus(dependencies, sp.GetRequiredService<IModelProvider>(), dataDirectory, jobs.RunInProcess,
            sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<VectorModelGuard>()));
        services.AddHostedService<StartupReport>();
        return builder;
    }

    /// <summary>
    /// The system of record: Postgres when <c>ConnectionStrings:db</c> is set (through Aspire.Npgsql: pooling, tracing, metrics,
    /// health check), otherwise the embedded SQLite file. The stores are the same code on either.
    /// </summary>
    private static DependencyChoice AddStorage(IHostApplicationBuilder builder, string dataDirectory)
    {
        var services = builder.Services;
        services.AddSingleton<SqlDocumentStore>();
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<SqlDocumentStore>());
        services.AddSingleton<IChunkEmbeddingStore>(sp => sp.GetRequiredService<SqlDocumentStore>());
        services.AddSingleton<IJobStore, SqlJobStore>();
        services.TryAddSingleton<ICollectionAccessStore>(sp => new SqlCollectionAccessStore(sp.GetRequiredService<SqlDatabase>(), sp.GetRequiredService<TimeProvider>()));

        if (builder.Configuration.GetConnectionString("db") is { Length: > 0 })
        {
            builder.AddNpgsqlDataSource("db");
            services.AddSingleton<SqlDatabase>(sp => new PostgresDatabase(sp.GetRequiredService<NpgsqlDataSource>()));
            services.AddSingleton<IContentStore>(sp => new DatabaseContentStore(sp.GetRequiredService<SqlDatabase>()));
            var settings = new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString("db"));
            return new("database", "postgres", $"{settings.Host}:{settings.Port}/{settings.Database}",
                "documents, chunks, vectors, jobs, evaluations and uploads");
        }

        var file = Path.Combine(dataDirectory, "raglab.db");
        services.AddSingleton<SqlDatabase>(new SqliteDatabase(file));
        services.AddSingleton<IContentStore>(new ContentStore(Path.Combine(dataDirectory, "blobs")));
        return new("database", "sqlite (embedded)", null, $"{file}; uploads in {Path.Combine(dataDirectory, "blobs")}");
    }

    private static DependencyChoice AddModels(IServiceCollection services, IConfiguration configuration, IHealthChecksBuilder health, CacheCapacityOptions capacities)
    {
        health.AddModelServerCheck();
        services.AddSingleton<IEmbeddingCache>(sp => new MemoryEmbeddingCache(capacities.MaxEmbeddings));
        var openAi = configuration.GetSection("RagLab:OpenAI").Get<OpenAiCompatibleOptions>();
        if (openAi is { IsConfigured: true })
        {
            services.AddSingleton(openAi);
            services.AddResilientHttpClient(RagLabHttpClients.OpenAiCompatible, openAi.RequestTimeout, "/models");
            services.AddSingleton<IModelProvider>(sp => new EmbeddingCachingModelProvider(
                new OpenAiCompatibleModelProvider(openAi, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILoggerFactory>()),
                sp.GetRequiredService<IEmbeddingCache>()));
            return new("models", "openai-compatible", openAi.Endpoint ?? "api.openai.com", $"chat {openAi.ChatModel}, embeddings {openAi.EmbeddingModel}");
        }

        // Aspire injects ConnectionStrings:chat and :embeddings (Endpoint=…;Model=…); they win over RagLab:Ollama.
        var ollama = configuration.GetSection(OllamaOptions.SectionName).Get<OllamaOptions>() ?? new OllamaOptions();
        var chat = ollama.ResolveChat(configuration.GetConnectionString("chat"));
        services.AddSingleton(ollama);
        // The probe has its own cadence (ProbeInterval), so it is not retried either.
        services.AddResilientHttpClient(RagLabHttpClients.Ollama, ollama.RequestTimeout, "/api/tags");

        // No embedding server named (no ConnectionStrings:embeddings, no RagLab:Ollama:EmbeddingModel): the bundled model runs in-process.
        var embeddingServerNamed = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("embeddings"))
            || !string.IsNullOrWhiteSpace(configuration[$"{OllamaOptions.SectionName}:{nameof(OllamaOptions.EmbeddingModel)}"]);
        var inProcess = configuration.GetSection(EmbeddingsOptions.Section).Get<EmbeddingsOptions>() ?? new EmbeddingsOptions();
        if (!embeddingServerNamed && EmbeddedModel.FromKey(inProcess.Model) is { } bundled)
        {
            services.AddSingleton(sp => new OnnxEmbeddingGenerator(bundled, inProcess.Threads));
            services.PostConfigure<IngestionOptions>(o => o.EmbedDuringIngestion = false);
            services.AddSingleton<IModelProvider>(sp => new EmbeddingCachingModelProvider(
                new EmbeddedEmbeddingsModelProvider(
                    new OllamaModelProvider(ollama, sp.GetRequiredService<IHttpClientFactory>(), chat, chat, sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILoggerFactory>()),
                    sp.GetRequiredService<OnnxEmbeddingGenerator>()),
                sp.GetRequiredService<IEmbeddingCache>()));
            return new("models", "ollama", chat.Endpoint.ToString(),
                $"chat {chat.Model} (extractive answers while it does not answer); embeddings {EmbeddedEmbeddingsModelProvider.Describe(bundled)}");
        }

        var embeddings = ollama.ResolveEmbeddings(configuration.GetConnectionString("embeddings"));
        services.AddSingleton<IModelProvider>(sp => new EmbeddingCachingModelProvider(
            new OllamaModelProvider(ollama, sp.GetRequiredService<IHttpClientFactory>(), chat, embeddings, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>()),
            sp.GetRequiredService<IEmbeddingCache>()));
        var where = chat.Endpoint == embeddings.Endpoint ? chat.Endpoint.ToString() : $"{chat.Endpoint} (chat), {embeddings.Endpoint} (embeddings)";
        return new("models", "ollama", where, $"chat {chat.Model}, embeddings {embeddings.Model}; extractive answers while it does not answer");
    }

    private static IEnumerable<DependencyChoice> AddIndexes(IServiceCollection services, IConfiguration configuration, IHealthChecksBuilder health)
    {
        services.AddSingleton<IAnalyzer>(EnglishAnalyzer.Instance);
        services.AddSingleton<ChunkIndexWriter>();
        services.AddSingleton<Bm25Retriever>();
        services.AddSingleton<VectorModelGuard>();
        services.AddSingleton<VectorReembedding>();
        services.AddSingleton<DenseRetriever>();
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<Bm25Retriever>());
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<DenseRetriever>());
        services.AddSingleton<IRetrieverCatalog, RetrieverCatalog>();

        var connection = configuration.GetConnectionString("vectordb_http");
        if (string.IsNullOrWhiteSpace(connection))
        {
            // Both keep their snapshots (and the dense index its float32 rows) in the data directory, and read results back from the store.
            static string DataPath(IServiceProvider sp, string name) =>
                Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<RagLabOptions>>().Value.DataDirectory), name);
            services.AddSingleton<ILexicalIndex>(sp => new Bm25Index(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<IAnalyzer>(),
                configuration.GetSection("RagLab:Bm25").Get<Bm25Options>() ?? new Bm25Options(), DataPath(sp, "bm25")));
            services.AddSingleton<IVectorIndex>(sp => new ExactVectorIndex(new ExactVectorIndexOptions(DataPath(sp, "vectors")), sp.GetRequiredService<IDocumentStore>()));
            services.AddSingleton<IRetriever, HybridRetriever>();
            services.AddSingleton<EmbeddedIndexLoader>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedIndexLoader>());
            services.AddSingleton<IIndexSync>(sp => sp.GetRequiredService<EmbeddedIndexLoader>());
            health.AddCheck<IndexLoadedHealthCheck>("indexes");
            return
            [
                new("lexical index", "embedded", null, "in-process BM25; postings snapshot in bm25/, restored at start when unchanged, else rebuilt from the database"),
                new("vector index", "embedded", null, "in-process exact cosine; float32 rows in vectors/, restored from their snapshot at start when unchanged"),
            ];
        }

        var qdrant = QdrantOptions.FromConnectionString(connection);
        configuration.GetSection("RagLab:Qdrant").Bind(qdrant);
        services.AddSingleton(qdrant);
        services.AddResilientHttpClient(RagLabHttpClients.Qdrant, TimeSpan.FromMinutes(2)).ConfigureHttpClient(http => http.BaseAddress = qdrant.Endpoint);
        services.AddSingleton(sp => new QdrantRestClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(RagLabHttpClients.Qdrant), qdrant));
        // "bm25" is one ranker: the embedded index's analyzer, k1 and b (RagLab:Bm25).
        var bm25 = configuration.GetSection("RagLab:Bm25").Get<Bm25Options>() ?? new Bm25Options();
        services.AddSingleton(sp => new SparseBm25Encoder(sp.GetRequiredService<IAnalyzer>(), bm25.K1, bm25.B));
        services.AddSingleton<QdrantChunkIndex>();
        services.AddSingleton<ILexicalIndex>(sp => sp.GetRequiredService<QdrantChunkIndex>());
        services.AddSingleton<IVectorIndex>(sp => sp.GetRequiredService<QdrantChunkIndex>());
        services.AddSingleton<IRetriever, QdrantHybridRetriever>();
        services.AddSingleton<IIndexSync, StoreGenerationIndexSync>();
        health.AddHttpDependencyCheck("vectordb", _ => HttpDependencyProbe.QdrantReadiness(qdrant.Endpoint!, qdrant.ApiKey), HealthStatus.Unhealthy);
        return
        [
            new("lexical index", "qdrant", qdrant.Endpoint?.ToString(), $"sparse '{qdrant.SparseVectorName}' vectors with the idf modifier"),
            new("vector index", "qdrant", qdrant.Endpoint?.ToString(), $"dense '{qdrant.VectorName}' vectors; hybrid through /points/query with RRF"),
        ];
    }

    private static DependencyChoice AddAnswerCache(IServiceCollection services, string? redis, IHealthChecksBuilder health, CacheCapacityOptions capacities)
    {
        if (redis is null)
        {
            services.AddSingleton<IAnswerCache>(sp => new MemoryAnswerCache(sp.GetRequiredService<TimeProvider>(), capacities.MaxAnswers));
            return new("answer cache", "embedded", null, $"in-memory, at most {capacities.MaxAnswers:N0} answers");
        }
        services.AddSingleton<IAnswerCache>(sp => new RedisAnswerCache(sp.GetRequiredService<IConnectionMultiplexer>(), null,
            sp.GetRequiredService<ILogger<RedisAnswerCache>>(), sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IEmbeddingCache>(sp => new RedisEmbeddingCache(sp.GetRequiredService<IConnectionMultiplexer>(), null,
            sp.GetRequiredService<ILogger<RedisEmbeddingCache>>(), sp.GetRequiredService<TimeProvider>())));
        // Redis down degrades the lab (no cache, no uploads) but it still answers.
        health.AddDelegateCheck("cache", "Redis answer cache, embedding cache and job queue", RedisHealthProbe.Create);
        return new("answer cache", "redis", redis, "answers and embeddings; bypassed while Redis is down");
    }

    /// <summary>
    /// The one StackExchange.Redis multiplexer, through Aspire's client integration (logging, tracing). Its own health check
    /// is off: it reports Unhealthy, while Redis down only degrades RagLab (see <c>AddAnswerCache</c>). With <c>ssl=true</c>
    /// the certificate is checked by <see cref="RedisCertificateValidation"/> (optional pin: <c>RagLab:Redis:CertificateThumbprint</c>).
    /// </summary>
    /// <returns>The endpoints, for the status page (never the password).</returns>
    private static string AddRedis(IHostApplicationBuilder builder, string connectionString)
    {
        var refusals = new RedisCertificateRefusals();
        builder.Services.AddSingleton(refusals);
        var pinned = builder.Configuration["RagLab:Redis:CertificateThumbprint"];
        builder.AddRedisClient("cache", settings => settings.DisableHealthChecks = true, options =>
        {
            options.ApplyRagLabDefaults();
            if (options.Ssl)
            {
                var host = options.SslHost ?? RedisConnectionDefaults.FirstHost(options);
                options.CertificateValidation += RedisCertificateValidation.Create(host, pinned, refused: refusals.Record);
            }
        });
        return RedisConnectionDefaults.Describe(ConfigurationOptions.Parse(connectionString));
    }

    private static DependencyChoice AddJobQueue(IServiceCollection services, string? redis, JobOptions jobs, IConfiguration configuration)
    {
        if (jobs.RunInProcess)
        {
            services.AddSingleton<JobProcessor>();
            services.AddHostedService(sp => sp.GetRequiredService<JobProcessor>());
            services.AddMetrics();
            services.AddSingleton<JobQueueDepthGauge>();
            services.AddHostedService(sp => sp.GetRequiredService<JobQueueDepthGauge>());
            services.AddSingleton<EmbeddingBackfill>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddingBackfill>());
            services.AddSingleton<IJobHandler, EmbedJobHandler>();
            services.AddSingleton<IJobHandler, ReembedJobHandler>();
        }
        var runs = jobs.RunInProcess ? "jobs run in this process" : "jobs run by the Worker";
        if (redis is null)
        {
            services.AddSingleton<IJobQueue, ChannelJobQueue>();
            return new("job queue", "embedded", null, $"in-process; unfinished jobs resume from the database at start; {runs}");
        }
        // RagLab:Redis:Queue binds RedisJobQueueOptions (ClaimMinIdle: how long a crashed worker's job waits before another takes it).
        var queueOptions = configuration.GetSection("RagLab:Redis:Queue").Get<RedisJobQueueOptions>();
        services.AddSingleton<IJobQueue>(sp => new RedisJobQueue(sp.GetRequiredService<IConnectionMultiplexer>(), queueOptions,
            sp.GetRequiredService<ILogger<RedisJobQueue>>(), sp.GetRequiredService<TimeProvider>()));
        return new("job queue", "redis", redis, $"stream raglab:jobs, consumer group workers, polled and woken by pub/sub; {runs}");
    }

    private static void AddIngestion(IServiceCollection services)
    {
        services.AddSingleton(sp => DocumentParserRegistry.CreateDefault(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Decompression));
        services.AddSingleton(sp => new StructuredChunker(sp.GetRequiredService<IOptions<ChunkingOptions>>().Value));
        services.AddSingleton<IIngestionService, IngestionService>();
        services.AddBulkIngestion();
    }

    /// <summary>
    /// RagLab's spans and instruments, and Microsoft.Extensions.AI's gen_ai spans (one per model call, with token counts), join
    /// whatever OpenTelemetry the host set up (ServiceDefaults); without one they cost nothing.
    /// </summary>
    public static IServiceCollection AddRagLabTelemetry(this IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(RagLabTelemetry.SourceName, ModelTelemetry.SourceName));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(RagLabTelemetry.SourceName, ModelTelemetry.SourceName));
        return services;
    }

    private static void AddTelemetry(IServiceCollection services) => services.AddRagLabTelemetry();

    private static void AddGeneration(IServiceCollection services)
    {
        services.AddSingleton(_ => new RagPromptBuilder());
        services.AddSingleton<BasePromptBuilder>();
        services.AddSingleton<CitationParser>();
        services.AddSingleton<ExtractiveAnswerer>();
        services.AddSingleton<IAnswerMode, BaseAnswerMode>();
        services.AddSingleton<IAnswerMode, RagAnswerMode>();
        AddControlLadderModes(services);
        services.AddSingleton<IQuestionAnswerer, QuestionAnswerer>();
        services.AddSingleton<AnswerModeAvailability>();
    }

    /// <summary>The <c>prompt</c>, <c>longcontext</c> and <c>agent</c> modes, and the per-collection prompts (SQLite unless a store was registered).</summary>
    private static void AddControlLadderModes(IServiceCollection services)
    {
        services.TryAddSingleton<ICollectionPromptStore>(sp => new SqlCollectionPromptStore(sp.GetRequiredService<SqlDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CollectionPromptRenderer>();
        services.AddSingleton<CollectionPrompts>();
        services.AddSingleton<IAnswerMode, PromptAnswerMode>();
        services.AddSingleton<CollectionPrefixCache>();
        services.AddSingleton(sp => new PromptPrefixTracker(sp.GetRequiredService<TimeProvider>()));
        // Every chat request, from any mode or the judge, reports which prompt prefix it carried: another prompt evicts the cached one.
        var models = services.Last(d => d.ServiceType == typeof(IModelProvider));
        services.Remove(models);
        services.AddSingleton<IModelProvider>(sp => new PromptPrefixTrackingModelProvider(
            (IModelProvider)(models.ImplementationFactory?.Invoke(sp) ?? models.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, models.ImplementationType!)),
            sp.GetRequiredService<PromptPrefixTracker>()));
        services.AddSingleton<IAnswerMode>(sp => new LongContextAnswerMode(sp.GetRequiredService<CollectionPrefixCache>(), sp.GetRequiredService<IModelProvider>(), sp.GetRequiredService<PromptPrefixTracker>()));
        services.AddSingleton<IAnswerMode, AgentAnswerMode>();
    }
}
