using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Hosting;

/// <summary>How one dependency was resolved at start-up: embedded, or the endpoint of an external service.</summary>
public sealed record DependencyChoice(string Name, string Kind, string? Endpoint, string Detail)
{
    public override string ToString() => Endpoint is null ? $"{Name}: {Kind} ({Detail})" : $"{Name}: {Kind} at {Endpoint} ({Detail})";
}

/// <summary>The resolved configuration, logged at start and served at <c>GET /api/status</c>.</summary>
public sealed class RagLabStatus(IReadOnlyList<DependencyChoice> dependencies, IModelProvider models, string dataDirectory, bool jobsInProcess)
{
    public IReadOnlyList<DependencyChoice> Dependencies => dependencies;

    public async Task<StatusReport> GetAsync(CancellationToken cancellationToken) =>
        new(dependencies, await models.GetStatusAsync(cancellationToken), dataDirectory, jobsInProcess);
}

/// <param name="Models">Live: whether the chat and embedding models answer right now.</param>
/// <param name="DataDirectory">The absolute data directory; null when hidden from the caller.</param>
public sealed record StatusReport(IReadOnlyList<DependencyChoice> Dependencies, ModelStatus Models, string? DataDirectory, bool JobsInProcess)
{
    /// <summary>The report without server paths: no data directory, and the dependencies' details say "the data directory" instead of it.</summary>
    public StatusReport WithoutPaths()
    {
        if (DataDirectory is not { Length: > 0 } directory) return this;
        return this with
        {
            DataDirectory = null,
            Dependencies = [.. Dependencies.Select(d => d with { Detail = d.Detail.Replace(directory, "<data directory>", StringComparison.Ordinal) })],
        };
    }
}
