using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RagLab.AppHost.Tests.Otlp;
using RagLab.Testing;

namespace RagLab.AppHost.Tests;

/// <summary>
/// The real AppHost, started once for the tests of <see cref="RunningLabTests"/>, as on a machine without a container engine:
/// redis-server and Debian's Postgres as executables, the in-test Ollama server as an existing model server.
/// </summary>
public sealed class RunningLab : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);

    public FakeOllamaServer Ollama { get; private set; } = null!;

    /// <summary>Where api, worker and web send their traces and metrics (the dashboard's part, in the test).</summary>
    public InTestOtlpCollector Telemetry { get; private set; } = null!;

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    private DirectoryInfo _data = null!;

    public async Task InitializeAsync()
    {
        Ollama = await FakeOllamaServer.StartAsync();
        Telemetry = await InTestOtlpCollector.StartAsync();
        _data = LabDirectories.Create();
        var models = Ollama.BaseAddress.ToString().TrimEnd('/');
        App = await LabDirectories.StartAsync(
        [
            "--RagLab:Containers=false",
            $"--RagLab:DataDirectory={_data.FullName}",
            $"--ConnectionStrings:chat=Endpoint={models};Model=qwen2.5:1.5b",
            $"--ConnectionStrings:embeddings=Endpoint={models};Model=all-minilm",
            // A job its worker left unacknowledged (stopped mid-job) is claimed by the restarted worker after this, not 60 s.
            "--RagLab:Redis:Queue:ClaimMinIdle=00:00:02",
        ], ["api", "worker", "web"], telemetry: Telemetry.Endpoint);
        Api = App.CreateHttpClient("api");
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Ollama is not null) await Ollama.DisposeAsync();
        if (Telemetry is not null) await Telemetry.DisposeAsync();
        LabDirectories.Delete(_data);
    }

    public Task ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var target = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        return App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(target, command, cancellationToken);
    }

    /// <summary>Uploads a text document into a collection of its own (tests share the lab); returns its job id.</summary>
    public async Task<string> UploadAsync(string collection, string name, string text, CancellationToken cancellationToken)
    {
        using var response = await Api.PostAsJsonAsync("/api/documents", new { name, text, collection }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        return (string)body["documents"]![0]!["jobId"]!;
    }

    public async Task<JsonNode> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        JsonNode.Parse(await Api.GetStringAsync(path, cancellationToken))!;

    /// <summary>Polls a job until it succeeded or failed.</summary>
    public async Task<JsonNode> WaitForJobAsync(string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await GetJsonAsync($"/api/jobs/{jobId}", cancellationToken);
            if ((string?)job["status"] is "succeeded" or "failed") return job;
            await Task.Delay(200, cancellationToken);
        }
    }
}

/// <summary>Temporary data folders and the AppHost start shared by the running tests.</summary>
internal static class LabDirectories
{
    public static DirectoryInfo Create()
    {
        var directory = Directory.CreateTempSubdirectory("raglab-apphost-");
        // Postgres runs as the postgres user when the tests run as root: it must reach its folder inside this one.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return directory;
    }

    public static void Delete(DirectoryInfo? directory)
    {
        try
        {
            directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing; the OS cleans temp folders.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Starts the AppHost and waits for <paramref name="healthy"/>; the projects export telemetry to <paramref name="telemetry"/>, if given.
    /// <paramref name="configure"/> changes the application model before it is built.
    /// </summary>
    public static async Task<DistributedApplication> StartAsync(string[] args, string[] healthy, Action<string>? log = null, Uri? telemetry = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(RunningLab.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagLab_AppHost>(args, timeout.Token);
        // The testing builder runs no dashboard but still hands the projects its OTLP address; exporting to nobody makes every
        // project's shutdown wait ~10 s for the exporters (measured), longer than DCP waits when the worker is stopped.
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", telemetry?.ToString().TrimEnd('/') ?? "")
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        }
        configure?.Invoke(builder);
        var app = await builder.BuildAsync(timeout.Token);
        log?.Invoke($"built after {clock.Elapsed.TotalSeconds:F1} s");
        try
        {
            await app.StartAsync(timeout.Token);
            log?.Invoke($"started after {clock.Elapsed.TotalSeconds:F1} s");
            await Task.WhenAll(healthy.Select(async name =>
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
                log?.Invoke($"{name} healthy after {clock.Elapsed.TotalSeconds:F1} s");
            }));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
