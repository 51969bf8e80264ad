namespace RagLab.AppHost.Resources;

/// <summary>
/// Qdrant, as a container or a host executable, with Aspire.Hosting.Qdrant's connection strings:
/// <c>ConnectionStrings__vectordb</c> = gRPC <c>Endpoint=http://localhost:PORT;Key=KEY</c>, <c>ConnectionStrings__vectordb_http</c> = REST.
/// </summary>
public interface IQdrantResource : IResourceWithConnectionString, IResourceWithEndpoints
{
    ParameterResource ApiKey { get; }

    EndpointReference GrpcEndpoint { get; }

    EndpointReference HttpEndpoint { get; }

    ReferenceExpression HttpConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={HttpEndpoint.Property(EndpointProperty.Url)};Key={ApiKey}");

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={GrpcEndpoint.Property(EndpointProperty.Url)};Key={ApiKey}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("GrpcHost", ReferenceExpression.Create($"{GrpcEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("GrpcPort", ReferenceExpression.Create($"{GrpcEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("HttpHost", ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("HttpPort", ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("ApiKey", ReferenceExpression.Create($"{ApiKey}"));
        yield return new("Uri", ReferenceExpression.Create($"{GrpcEndpoint.Property(EndpointProperty.Url)}"));
        yield return new("HttpUri", ReferenceExpression.Create($"{HttpEndpoint.Property(EndpointProperty.Url)}"));
    }
}

public sealed class QdrantContainerResource(string name, ParameterResource apiKey) : ContainerResource(name), IQdrantResource
{
    public ParameterResource ApiKey { get; } = apiKey;

    public EndpointReference GrpcEndpoint => field ??= new(this, "grpc");

    public EndpointReference HttpEndpoint => field ??= new(this, "http");
}

public sealed class QdrantExecutableResource(string name, string command, string workingDirectory, ParameterResource apiKey)
    : ExecutableResource(name, command, workingDirectory), IQdrantResource
{
    public ParameterResource ApiKey { get; } = apiKey;

    public EndpointReference GrpcEndpoint => field ??= new(this, "grpc");

    public EndpointReference HttpEndpoint => field ??= new(this, "http");
}
