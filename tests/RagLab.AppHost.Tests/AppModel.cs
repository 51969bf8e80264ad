using Microsoft.Extensions.Logging.Abstractions;

namespace RagLab.AppHost.Tests;

/// <summary>The AppHost's application model, built from its real Program with the given arguments, never started.</summary>
internal sealed class AppModel
{
    private AppModel(IDistributedApplicationTestingBuilder builder) => Builder = builder;

    public IDistributedApplicationTestingBuilder Builder { get; }

    /// <summary>The stack's resources, without parameters (passwords, keys) and the "-rebuilder" helpers Aspire adds to projects.</summary>
    public IReadOnlyList<string> ResourceNames =>
        Builder.Resources.Where(r => r is not ParameterResource && !r.Name.EndsWith("-rebuilder", StringComparison.Ordinal)).Select(r => r.Name).Order(StringComparer.Ordinal).ToList();

    public static async Task<AppModel> CreateAsync(params string[] args) =>
        new(await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagLab_AppHost>(args, TestContext.Cancellation));

    public IResource Resource(string name) => Builder.Resources.Single(r => r.Name == name);

    public T Resource<T>(string name) where T : IResource => (T)Resource(name);

    /// <summary>What the resource gets as environment, as publish-mode expressions such as <c>{cache.connectionString}</c>.</summary>
    public async Task<Dictionary<string, string>> EnvironmentOf(string name)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new(DistributedApplicationOperation.Publish), NullLogger.Instance, TestContext.Cancellation);
        return configuration.EnvironmentVariables.ToDictionary();
    }

    /// <summary>The command-line arguments of an executable resource, as publish-mode values.</summary>
    public async Task<IReadOnlyList<string>> ArgumentsOf(string name)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithArgumentsConfig()
            .BuildAsync(new(DistributedApplicationOperation.Publish), NullLogger.Instance, TestContext.Cancellation);
        return configuration.Arguments.Select(argument => argument.Value?.ToString() ?? "").ToList();
    }

    /// <summary>The connection strings a project receives, by name (the part after <c>ConnectionStrings__</c>).</summary>
    public async Task<SortedSet<string>> ConnectionStringsOf(string name) =>
        new((await EnvironmentOf(name)).Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(k => k["ConnectionStrings__".Length..]), StringComparer.Ordinal);

    /// <summary>The resources <paramref name="name"/> waits for before it starts.</summary>
    public SortedSet<string> WaitsOf(string name) =>
        new(Resource(name).Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name), StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>> ContainerRuntimeArgsOf(string name)
    {
        var args = new List<object>();
        foreach (var callback in Resource(name).Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
            await callback.Callback(new ContainerRuntimeArgsCallbackContext(args, TestContext.Cancellation));
        return args.Select(a => a.ToString()!).ToList();
    }
}

internal static class TestContext
{
    public static CancellationToken Cancellation => CancellationToken.None;
}
