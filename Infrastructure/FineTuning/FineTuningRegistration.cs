using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using RagLab.Core.FineTuning;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Forgetting;
using RagLab.Core.FineTuning.Modes;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Generation;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Hosting;
using RagLab.Infrastructure.Ollama;
using RagLab.Infrastructure.OpenAI;
using RagLab.Infrastructure.Storage;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>Registers fine-tuning: datasets, trainers, the lifecycle job, the version registry and the <c>finetuned</c> and <c>hybrid</c> modes.</summary>
public static class FineTuningRegistration
{
    /// <summary>The HttpClient of the local trainer service.</summary>
    public const string TrainerHttpClient = "trainer";

    /// <summary>The HttpClient that imports models into Ollama: long attempts (quantizing takes minutes), never retried.</summary>
    public const string OllamaImportHttpClient = "ollama-import";

    /// <summary>
    /// Needs the storage, models, generation and job services of <c>AddRagLab</c>. The local trainer is used when
    /// <c>RagLab:FineTuning:Trainer:Endpoint</c> is set, the OpenAI-compatible fine-tuning API when <c>RagLab:FineTuning:OpenAI</c>
    /// has an endpoint or key.
    /// </summary>
    /// <returns>How the trainers were resolved, for <c>/api/status</c>.</returns>
    public static DependencyChoice AddRagLabFineTuning(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(FineTuningOptions.SectionName);
        var options = section.Get<FineTuningOptions>() ?? new FineTuningOptions();
        var settings = section.Get<FineTuningSettings>() ?? new FineTuningSettings();
        services.AddSingleton(options);
        services.AddSingleton(settings);

        services.AddSingleton<IFineTuneStore>(sp => new SqlFineTuneStore(sp.GetRequiredService<SqlDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<FineTuneSchemaInitializer>();

        services.AddSingleton<RaftComposer>();
        services.AddSingleton<RaftDatasetBuilder>();
        services.AddSingleton<DatasetService>();
        services.AddSingleton<IJobHandler, DatasetBuildJobHandler>();

        // Deleting a version's model in Ollama is an Ollama call, so it is there whatever the trainer.
        services.AddResilientHttpClient(OllamaImportHttpClient, TimeSpan.FromHours(2), "/api/blobs", "/api/create")
            .ConfigureHttpClient((sp, http) => http.BaseAddress = OllamaEndpoint(sp, configuration));
        services.AddSingleton(sp => new OllamaModelRemover(sp.GetRequiredService<IHttpClientFactory>().CreateClient(OllamaImportHttpClient),
            sp.GetRequiredService<ILogger<OllamaModelRemover>>()));
        services.AddSingleton<IServedModelRemover>(sp => sp.GetRequiredService<OllamaModelRemover>());

        if (options.Trainer.IsConfigured)
        {
            services.AddResilientHttpClient(TrainerHttpClient, options.Trainer.RequestTimeout, "/jobs")
                .ConfigureHttpClient(http => http.BaseAddress = new Uri(options.Trainer.Endpoint!.TrimEnd('/') + "/"));
            services.AddSingleton(sp => new OllamaModelImporter(sp.GetRequiredService<IHttpClientFactory>().CreateClient(OllamaImportHttpClient),
                sp.GetRequiredService<OllamaModelRemover>(), sp.GetRequiredService<ILogger<OllamaModelImporter>>()));
            services.AddSingleton<ITrainerBackend>(sp => new LocalTrainerBackend(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(TrainerHttpClient), options, sp.GetRequiredService<OllamaModelImporter>(),
                Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<RagLabOptions>>().Value.DataDirectory), "finetunes")));
        }

        if (options.OpenAI.IsConfigured)
        {
            const string name = "openai-fine-tuning";
            services.AddResilientHttpClient(name, options.OpenAI.RequestTimeout, "/fine_tuning/jobs", "/files");
            services.AddKeyedSingleton<OpenAIClient>(name, (sp, _) => new OpenAiCompatibleOptions
            {
                Endpoint = options.OpenAI.Endpoint,
                ApiKey = options.OpenAI.ApiKey,
                RequestTimeout = options.OpenAI.RequestTimeout,
            }.CreateClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(name)));
            services.AddSingleton<ITrainerBackend>(sp => new OpenAiFineTuningBackend(sp.GetRequiredKeyedService<OpenAIClient>(name), options.OpenAI));
            services.AddSingleton<IServedModelRemover>(sp => new OpenAiModelRemover(sp.GetRequiredKeyedService<OpenAIClient>(name)));
            services.AddSingleton<IFineTunedChatClients>(sp => new FineTunedChatClients(sp.GetRequiredService<IModelProvider>(), sp.GetRequiredKeyedService<OpenAIClient>(name)));
        }
        else
        {
            services.AddSingleton<IFineTunedChatClients>(sp => new FineTunedChatClients(sp.GetRequiredService<IModelProvider>(), null));
        }

        services.AddSingleton<ForgettingProbe>();
        services.AddSingleton<FineTuneRunner>();
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<FineTuneRunner>());
        services.AddSingleton<FineTuneService>();

        services.AddSingleton<ActiveFineTunedModel>();
        services.AddSingleton<IAnswerMode, FineTunedAnswerMode>();
        services.AddSingleton<IAnswerMode, HybridAnswerMode>();
        return TrainerChoice(options);
    }

    /// <summary>What <c>/api/status</c> says about the trainers: which are configured, or that none is connected and how to connect one.</summary>
    private static DependencyChoice TrainerChoice(FineTuningOptions options)
    {
        var local = options.Trainer.IsConfigured;
        var api = options.OpenAI.IsConfigured;
        if (!local && !api)
            return new("trainer", "none", null,
                "not connected: fine-tuning jobs cannot run. Start the LoRA trainer (Trainer/README.md; the AppHost runs it with a GPU, or with RagLab:Trainer=python) " +
                "and set RagLab:FineTuning:Trainer:Endpoint, or set RagLab:FineTuning:OpenAI:Endpoint for an OpenAI-compatible fine-tuning API");
        var kinds = string.Join(" + ", new[] { local ? "local" : null, api ? "openai" : null }.OfType<string>());
        var endpoints = string.Join(", ", new[] { local ? options.Trainer.Endpoint : null, api ? options.OpenAI.Endpoint ?? "api.openai.com" : null }.OfType<string>());
        return new("trainer", kinds, endpoints,
            (local ? "LoRA trainer service (merged models are imported into Ollama)" : "") + (local && api ? "; " : "") +
            (api ? $"OpenAI-compatible fine-tuning API{(options.OpenAI.BaseModel is { } model ? $", base model {model}" : "")}" : ""));
    }

    /// <summary>The Ollama server the lab chats with: the chat model's endpoint (Aspire's connection string wins).</summary>
    private static Uri OllamaEndpoint(IServiceProvider services, IConfiguration configuration)
    {
        var ollama = configuration.GetSection(OllamaOptions.SectionName).Get<OllamaOptions>() ?? new OllamaOptions();
        var endpoint = ollama.ResolveChat(configuration.GetConnectionString("chat")).Endpoint;
        return new Uri(endpoint.ToString().TrimEnd('/') + "/");
    }
}

/// <summary>Creates the fine-tuning tables at start (the store also does it lazily).</summary>
internal sealed class FineTuneSchemaInitializer(IFineTuneStore store) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
