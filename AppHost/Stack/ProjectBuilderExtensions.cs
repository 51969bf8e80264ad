using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagLab.AppHost.Resources;

namespace RagLab.AppHost.Stack;

public static class ProjectBuilderExtensions
{
    /// <summary>
    /// Passes a dependency's connection string (nothing when it is embedded). <paramref name="waitFor"/>: the project starts only once
    /// the dependency is healthy; only for what it cannot work without, and never for an existing server the AppHost does not run.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLabReference(this IResourceBuilder<ProjectResource> project, LabService? service, bool waitFor)
    {
        if (service is null) return project;
        if (service.Resource.Resource is IQdrantResource)
            QdrantBuilderExtensions.WithReference(project, (IResourceBuilder<IQdrantResource>)service.Resource);
        else
            project.WithReference(service.Resource);
        if (waitFor && service.IsManaged) project.WaitFor(service.Resource);
        return project;
    }

    /// <summary>
    /// One absolute data folder for the Api and the Worker (a relative one would differ per project): the dense index's snapshots,
    /// and, when there is no Postgres, the SQLite database and the uploads they share.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLabData(this IResourceBuilder<ProjectResource> project, LabStack lab) =>
        project.WithEnvironment("RagLab__DataDirectory", Path.Combine(lab.Settings.DataDirectory, "lab"));

    /// <summary>Passes a RagLab setting given to the AppHost (e.g. <c>RagLab:Redis:Queue:ClaimMinIdle</c>) on to the project, when set.</summary>
    public static IResourceBuilder<ProjectResource> WithSettingFromAppHost(this IResourceBuilder<ProjectResource> project, string key)
    {
        if (project.ApplicationBuilder.Configuration[key] is { Length: > 0 } value) project.WithEnvironment(key.Replace(":", "__"), value);
        return project;
    }

    /// <summary>Prints where the lab is once the web UI answers.</summary>
    public static IResourceBuilder<ProjectResource> AnnounceWhenReady(this IResourceBuilder<ProjectResource> web, IResourceBuilder<ProjectResource> api)
    {
        web.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(web.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RagLab.AppHost");
            logger.LogInformation("RagLab is up: open {Web} (the API is {Api}; every resource, log and trace is in the dashboard)",
                web.GetEndpoint("http").Url, api.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });
        return web;
    }
}
