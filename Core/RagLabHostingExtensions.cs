using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Adapters.Ollama;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Storage;

namespace RagLab.Core;

/// <summary>Registers RagLab's domain: the embedded default, or an adapter for each dependency that configuration names.</summary>
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

        var options = section.Get<RagLabOptions>() ?? new RagLabOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var dependencies = new List<DependencyChoice>
        {
            new("database", "sqlite", null, Path.Combine(dataDirectory, "raglab.db")),
            new("uploads", "content-addressed files", null, Path.Combine(dataDirectory, "blobs")),
        };

        // Storage
        services.AddSingleton(new SqliteDatabase(Path.Combine(dataDirectory, "raglab.db")));
        services.AddSingleton(new ContentStore(Path.Combine(dataDirectory, "blobs")));
        services.AddSingleton<IDocumentStore, SqliteDocumentStore>();
        services.AddSingleton<IJobStore, SqliteJobStore>();

        // Ingestion
        services.AddSingleton(_ => DocumentParserRegistry.CreateDefault());
        services.AddSingleton(sp => new StructuredChunker(sp.GetRequiredService<IOptions<ChunkingOptions>>().Value));
        services.AddSingleton<ChunkIndexWriter>();
        services.AddSingleton<IIngestionService, IngestionService>();
        services.AddSingleton<IJobHandler, IngestJobHandler>();

        // Models
        dependencies.Add(AddModels(services, configuration));

        // Retrieval: in-process indexes, rebuilt from the store at start.
        services.AddSingleton<IAnalyzer, EnglishAnalyzer>();
        services.AddSingleton<ILexicalIndex>(sp => new Bm25Index(sp.GetRequiredService<IAnalyzer>(), section.GetSection("Bm25").Get<Bm25Options>() ?? new Bm25Options()));
        services.AddSingleton<IVectorIndex, ExactVectorIndex>();
        services.AddSingleton<EmbeddedIndexLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedIndexLoader>());
        dependencies.Add(new("lexical index", "embedded", null, "in-process BM25, rebuilt from the database at start"));
        dependencies.Add(new("vector index", "embedded", null, "in-process exact cosine, rebuilt from the database at start"));
        services.AddSingleton<Bm25Retriever>();
        services.AddSingleton<DenseRetriever>();
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<Bm25Retriever>());
        services.AddSingleton<IRetriever>(sp => sp.GetRequiredService<DenseRetriever>());
        services.AddSingleton<IRetriever, HybridRetriever>();
        services.AddSingleton<IRetrieverCatalog, RetrieverCatalog>();

        // Generation
        services.AddSingleton<RagPromptBuilder>();
        services.AddSingleton<BasePromptBuilder>();
        services.AddSingleton<CitationParser>();
        services.AddSingleton<ExtractiveAnswerer>();
        services.AddSingleton<IAnswerMode, BaseAnswerMode>();
        services.AddSingleton<IAnswerMode, RagAnswerMode>();
        services.AddSingleton<IQuestionAnswerer, QuestionAnswerer>();

        // Caching
        services.AddSingleton<IAnswerCache>(sp => new MemoryAnswerCache(sp.GetRequiredService<TimeProvider>()));
        dependencies.Add(new("answer cache", "embedded", null, "in-memory"));

        // Jobs
        services.AddSingleton<IJobQueue, ChannelJobQueue>();
        dependencies.Add(new("job queue", "embedded", null, "in-process; unfinished jobs resume from the database at start"));
        var jobs = section.GetSection("Jobs").Get<JobOptions>() ?? new JobOptions();
        if (jobs.RunInProcess)
        {
            services.AddSingleton<JobProcessor>();
            services.AddHostedService(sp => sp.GetRequiredService<JobProcessor>());
        }

        services.AddSingleton(sp => new RagLabStatus(dependencies, sp.GetRequiredService<IModelProvider>(), dataDirectory, jobs.RunInProcess));
        services.AddHostedService<StartupReport>();
        return builder;
    }

    private static DependencyChoice AddModels(IServiceCollection services, IConfiguration configuration)
    {
        // Aspire injects ConnectionStrings:chat and :embeddings (Endpoint=…;Model=…); they win over RagLab:Ollama.
        var ollama = configuration.GetSection(OllamaOptions.SectionName).Get<OllamaOptions>() ?? new OllamaOptions();
        var chat = ollama.ResolveChat(configuration.GetConnectionString("chat"));
        var embeddings = ollama.ResolveEmbeddings(configuration.GetConnectionString("embeddings"));
        services.AddSingleton(ollama);
        services.AddSingleton<IModelProvider>(sp => new OllamaModelProvider(ollama, chat, embeddings,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OllamaModelProvider>>()));
        var where = chat.Endpoint == embeddings.Endpoint ? chat.Endpoint.ToString() : $"{chat.Endpoint} (chat), {embeddings.Endpoint} (embeddings)";
        return new("models", "ollama", where, $"chat {chat.Model}, embeddings {embeddings.Model}; extractive answers while it does not answer");
    }
}
