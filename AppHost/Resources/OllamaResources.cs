using System.Data.Common;

namespace RagLab.AppHost.Resources;

/// <summary>An Ollama server, as a container or a host executable (<c>ollama serve</c>). Connection string <c>Endpoint=http://…</c>.</summary>
public interface IOllamaServerResource : IResourceWithConnectionString, IResourceWithEndpoints
{
    EndpointReference HttpEndpoint { get; }

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={HttpEndpoint.Property(EndpointProperty.Url)}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Uri", ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Url)}"));
    }
}

public sealed class OllamaContainerResource(string name) : ContainerResource(name), IOllamaServerResource
{
    public EndpointReference HttpEndpoint => field ??= new(this, "http");
}

public sealed class OllamaExecutableResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IOllamaServerResource
{
    public EndpointReference HttpEndpoint => field ??= new(this, "http");
}

/// <summary>
/// A model on an Ollama server. Same connection string as CommunityToolkit.Aspire.Hosting.Ollama's model resource:
/// <c>Endpoint=http://localhost:PORT;Model=qwen2.5:1.5b</c>, plus <c>{NAME}_HOST/_PORT/_URI/_MODEL</c>.
/// </summary>
public sealed class OllamaModelResource(string name, string modelName, IOllamaServerResource parent)
    : Resource(name), IResourceWithParent<IOllamaServerResource>, IResourceWithConnectionString
{
    public IOllamaServerResource Parent { get; } = parent;

    public string ModelName { get; } = modelName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Model={ModelName}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties([new("Model", ReferenceExpression.Create($"{ModelName}"))]);

    /// <summary>The server's address, read from the resolved connection string.</summary>
    internal async Task<Uri> GetServerUriAsync(CancellationToken cancellationToken)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = await Parent.ConnectionStringExpression.GetValueAsync(cancellationToken) };
        return new Uri((string)parts["Endpoint"]);
    }
}

/// <summary>Which GPU the Ollama container gets: <c>RagLab:Gpu</c> = auto (nvidia when <c>nvidia-smi</c> answers) | nvidia | amd | none.</summary>
public enum GpuVendor
{
    None,
    Nvidia,
    Amd,
}
