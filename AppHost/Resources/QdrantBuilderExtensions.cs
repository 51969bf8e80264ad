namespace RagLab.AppHost.Resources;

/// <summary>
/// Qdrant without Aspire.Hosting.Qdrant (not served here), with its image, endpoints and connection strings, but pinned to v1.17.0:
/// the first release with <c>update_mode</c> on upserts, which keyword-only indexing uses (older servers get a slower fallback).
/// </summary>
public static class QdrantBuilderExtensions
{
    public const string Image = "qdrant/qdrant";
    public const string Tag = "v1.17.0";
    public const string DataVolume = "raglab-qdrant-data";

    public static IResourceBuilder<IQdrantResource> AddQdrantContainer(this IDistributedApplicationBuilder builder, string name)
    {
        var apiKey = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-Key", special: false);
        return builder.AddResource(new QdrantContainerResource(name, apiKey))
            .WithImage(Image, Tag)
            .WithImageRegistry("docker.io")
            .WithHttpEndpoint(targetPort: 6334, name: "grpc")
            .WithEndpoint("grpc", endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(targetPort: 6333, name: "http")
            .WithEnvironment("QDRANT__SERVICE__API_KEY", apiKey)
            .WithEnvironment("QDRANT__TELEMETRY_DISABLED", "true")
            .WithVolume(DataVolume, "/qdrant/storage")
            .WithQdrantHealthCheck();
    }

    /// <summary>The <c>qdrant</c> binary, configured through its <c>QDRANT__*</c> environment variables, on ports DCP allocates.</summary>
    public static IResourceBuilder<IQdrantResource> AddQdrantExecutable(this IDistributedApplicationBuilder builder, string name, string command, string dataDirectory)
    {
        var apiKey = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-Key", special: false);
        return builder.AddResource(new QdrantExecutableResource(name, command, builder.AppHostDirectory, apiKey))
            .WithHttpEndpoint(name: "grpc")
            .WithEndpoint("grpc", endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(name: "http")
            .WithEnvironment(context =>
            {
                var qdrant = (QdrantExecutableResource)context.Resource;
                context.EnvironmentVariables["QDRANT__SERVICE__HOST"] = "127.0.0.1";
                context.EnvironmentVariables["QDRANT__SERVICE__HTTP_PORT"] = qdrant.HttpEndpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["QDRANT__SERVICE__GRPC_PORT"] = qdrant.GrpcEndpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["QDRANT__SERVICE__API_KEY"] = qdrant.ApiKey;
                context.EnvironmentVariables["QDRANT__TELEMETRY_DISABLED"] = "true";
                context.EnvironmentVariables["QDRANT__STORAGE__STORAGE_PATH"] = Path.Combine(dataDirectory, "storage");
                context.EnvironmentVariables["QDRANT__STORAGE__SNAPSHOTS_PATH"] = Path.Combine(dataDirectory, "snapshots");
            })
            .WithQdrantHealthCheck()
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Like Aspire.Hosting.Qdrant's WithReference: <c>ConnectionStrings__{name}</c> (gRPC) and <c>ConnectionStrings__{name}_http</c> (REST, what RagLab uses).
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IQdrantResource> qdrant)
        where T : IResourceWithEnvironment
    {
        ResourceBuilderExtensions.WithReference(builder, qdrant);
        return builder.WithEnvironment($"ConnectionStrings__{qdrant.Resource.Name}_http", qdrant.Resource.HttpConnectionStringExpression);
    }

    // /readyz needs no api-key (qdrant src/actix/mod.rs whitelist).
    private static IResourceBuilder<IQdrantResource> WithQdrantHealthCheck(this IResourceBuilder<IQdrantResource> qdrant) =>
        qdrant.WithHttpHealthCheck("/readyz", endpointName: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Qdrant (HTTP)")
            .WithUrlForEndpoint("grpc", url => { url.DisplayText = "Qdrant (gRPC)"; url.DisplayLocation = UrlDisplayLocation.DetailsOnly; });
}
