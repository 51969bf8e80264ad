using Microsoft.Extensions.DependencyInjection;

namespace RagLab.AppHost.Resources;

/// <summary>Ollama without CommunityToolkit.Aspire.Hosting.Ollama (not served here), with the same image, volume, GPU flags and connection strings.</summary>
public static class OllamaBuilderExtensions
{
    public const string Image = "ollama/ollama";
    public const string Tag = "0.32.15";
    public const string DataVolume = "raglab-ollama-data";

    /// <summary>The <c>ollama/ollama</c> container; models in a named volume, so they are pulled once.</summary>
    public static IResourceBuilder<IOllamaServerResource> AddOllamaContainer(this IDistributedApplicationBuilder builder, string name, GpuVendor gpu)
    {
        var ollama = builder.AddResource(new OllamaContainerResource(name))
            .WithImage(Image, gpu == GpuVendor.Amd ? $"{Tag}-rocm" : Tag)
            .WithImageRegistry("docker.io")
            .WithHttpEndpoint(targetPort: 11434, name: "http")
            .WithVolume(DataVolume, "/root/.ollama");
        _ = gpu switch
        {
            GpuVendor.Nvidia => ollama.WithContainerRuntimeArgs("--gpus", "all"),                          // needs the NVIDIA Container Toolkit
            GpuVendor.Amd => ollama.WithContainerRuntimeArgs("--device", "/dev/kfd", "--device", "/dev/dri"), // ROCm image
            _ => ollama,
        };
        return ollama.WithHttpHealthCheck("/", endpointName: "http"); // "Ollama is running"
    }

    /// <summary><c>ollama serve</c> on a port DCP allocates (not 11434, where a user's own Ollama may run).</summary>
    public static IResourceBuilder<IOllamaServerResource> AddOllamaExecutable(this IDistributedApplicationBuilder builder, string name, string command, string modelsDirectory) =>
        builder.AddResource(new OllamaExecutableResource(name, command, builder.AppHostDirectory))
            .WithArgs("serve")
            .WithHttpEndpoint(name: "http")
            .WithEnvironment(context =>
            {
                var ollama = (OllamaExecutableResource)context.Resource;
                context.EnvironmentVariables["OLLAMA_HOST"] = ReferenceExpression.Create($"127.0.0.1:{ollama.HttpEndpoint.Property(EndpointProperty.TargetPort)}");
                context.EnvironmentVariables["OLLAMA_MODELS"] = modelsDirectory;
            })
            .WithHttpHealthCheck("/", endpointName: "http")
            .ExcludeFromManifest();

    /// <summary>
    /// A model on the server, pulled once the server is healthy (progress as the resource's state), healthy once the server has it.
    /// A project that must not wait for the pull references it without <c>WaitFor</c>.
    /// </summary>
    public static IResourceBuilder<OllamaModelResource> AddModel(this IResourceBuilder<IOllamaServerResource> ollama, string name, string modelName)
    {
        var model = new OllamaModelResource(name, modelName, ollama.Resource);
        var healthKey = $"{name}_model_check";
        ollama.ApplicationBuilder.Services.AddHealthChecks().Add(new(healthKey, _ => new OllamaModelHealthCheck(model), null, null));
        ollama.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(ollama.Resource, (e, cancellationToken) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(model);
            // A pull takes minutes to hours: run it beside the event, or everything waiting on the server would wait for it.
            _ = Task.Run(() => OllamaModelPull.PullAsync(model, notifications, logger, cancellationToken), cancellationToken);
            return Task.CompletedTask;
        });
        return ollama.ApplicationBuilder.AddResource(model)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "OllamaModel",
                State = KnownResourceStates.Waiting, // under an executable parent nothing else sets a child's state
                Properties = [new(CustomResourceKnownProperties.Source, modelName)],
            })
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }
}
