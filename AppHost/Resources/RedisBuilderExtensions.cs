using Microsoft.Extensions.DependencyInjection;

namespace RagLab.AppHost.Resources;

public static class RedisBuilderExtensions
{
    /// <summary>
    /// Debian's <c>redis-server</c> on 127.0.0.1 and a port DCP allocates, with a password and append-only persistence in
    /// <paramref name="dataDirectory"/>, so queued jobs survive a restart as they do in the Redis container's volume.
    /// </summary>
    public static IResourceBuilder<RedisExecutableResource> AddRedisExecutable(this IDistributedApplicationBuilder builder, string name, string command, string dataDirectory)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new RedisExecutableResource(name, command, builder.AppHostDirectory, password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException($"{name} has no port yet"), name: healthKey);

        return builder.AddResource(redis)
            .WithEndpoint(name: "tcp", scheme: "redis")
            .WithArgs(context =>
            {
                Directory.CreateDirectory(dataDirectory);
                context.Args.Add("--bind"); context.Args.Add("127.0.0.1");
                context.Args.Add("--port"); context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--requirepass"); context.Args.Add(redis.Password);
                context.Args.Add("--dir"); context.Args.Add(dataDirectory);
                context.Args.Add("--appendonly"); context.Args.Add("yes");
                context.Args.Add("--save"); context.Args.Add("60 1");
            })
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }
}
