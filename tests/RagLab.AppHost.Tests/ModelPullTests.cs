using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Testing;

namespace RagLab.AppHost.Tests;

/// <summary>
/// <c>ollama serve</c> as a host executable (no container engine): the chat and embedding models are pulled once the server is
/// healthy, with the pull's progress as each model resource's state in the dashboard.
/// </summary>
[Collection(AppHostCollection.Name)]
public partial class ModelPullTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string ChatModel = "qwen2.5:1.5b";
    private const string EmbeddingModel = "all-minilm";

    [Fact]
    public async Task Chat_and_embeddings_are_pulled_once_the_server_is_healthy_with_the_progress_as_their_state()
    {
        var data = LabDirectories.Create();
        // The AppHost runs this as `ollama serve`; it only stays up. The in-test server answers on the endpoint's port instead,
        // started late, so the lab first runs with a model server that does not answer yet.
        var ollamaCommand = Path.Combine(data.FullName, "ollama");
        await File.WriteAllTextAsync(ollamaCommand, "#!/bin/sh\nexec sleep 100000\n");
        if (!OperatingSystem.IsWindows()) // a shell script: this test runs where CI does, on Linux
            File.SetUnixFileMode(ollamaCommand, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var port = FreePortOutsideEphemeralRange();
        var states = new ResourceStateLog("ollama", "chat", "embeddings");
        using var stopWatching = new CancellationTokenSource();
        FakeOllamaServer? ollama = null;
        try
        {
            await using var app = await LabDirectories.StartAsync(
            [
                .. MachineArguments.NothingInstalled,
                $"--RagLab:DataDirectory={data.FullName}",
                $"--RagLab:Tools:Ollama={ollamaCommand}",
                $"--RagLab:ChatModel={ChatModel}",
                $"--RagLab:EmbeddingModel={EmbeddingModel}",
            ], ["api", "web"], output.WriteLine, configure: builder =>
            {
                // Aspire's health check, the pulls and the connection strings all go to this port, where the in-test server answers.
                var http = builder.Resources.Single(r => r.Name == "ollama").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
                http.IsProxied = false;
                http.Port = port;
                http.TargetPort = port;
                builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
                {
                    states.Watch(e.Services.GetRequiredService<ResourceNotificationService>(), stopWatching.Token);
                    return Task.CompletedTask;
                });
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));

            // The server does not answer yet: the models wait, nothing is pulled (a pull now would fail).
            Assert.True(app.ResourceNotifications.TryGetCurrentState("ollama", out var server));
            Assert.NotEqual(HealthStatus.Healthy, server.Snapshot.HealthStatus);
            Assert.Equal(new[] { KnownResourceStates.Waiting }, states.Of("chat").Distinct());
            Assert.Equal(new[] { KnownResourceStates.Waiting }, states.Of("embeddings").Distinct());

            ollama = await FakeOllamaServer.StartAsync(port, timeout.Token);
            ollama.TokenDelay = TimeSpan.FromMilliseconds(300); // each progress line stays the state for a while
            lock (ollama.Models)
                ollama.Models.Clear(); // neither model is on the server: both must be pulled
            output.WriteLine($"model server up on {port}");

            await app.ResourceNotifications.WaitForResourceHealthyAsync("ollama", timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("chat", timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("embeddings", timeout.Token);
            output.WriteLine("chat: " + string.Join(" | ", states.Of("chat")));
            output.WriteLine("embeddings: " + string.Join(" | ", states.Of("embeddings")));

            AssertDownloadedThenRunning(states.Of("chat"), ChatModel);
            AssertDownloadedThenRunning(states.Of("embeddings"), EmbeddingModel);
            // One pull per model, after the server answered its health check.
            var requests = ollama.Requests;
            var pulls = requests.Where(r => r.Path == "/api/pull").ToList();
            Assert.Single(pulls, p => p.Body.Contains($"\"{ChatModel}\"", StringComparison.Ordinal));
            Assert.Single(pulls, p => p.Body.Contains($"\"{EmbeddingModel}\"", StringComparison.Ordinal));
            Assert.Equal(2, pulls.Count);
            Assert.True(requests.ToList().FindIndex(r => r.Path == "/") < requests.ToList().FindIndex(r => r.Path == "/api/pull"),
                "a model was pulled before the server answered its health check");

            // The Api got both models' connection strings, pointing at the server the AppHost runs, and now sees them answer.
            using var api = app.CreateHttpClient("api");
            var models = await WaitUntilModelsAnswerAsync(api, timeout.Token);
            Assert.Equal(port, new Uri((string)models["endpoint"]!).Port);
            Assert.Equal(ChatModel, (string?)models["chatModel"]);
            Assert.Equal(EmbeddingModel, (string?)models["embeddingModel"]);
        }
        finally
        {
            await stopWatching.CancelAsync();
            await states.StopAsync();
            if (ollama is not null) await ollama.DisposeAsync();
            LabDirectories.Delete(data);
        }
    }

    /// <summary>What the dashboard showed for a model: at least one figure strictly between 0 and 100, never going back, then Running.</summary>
    private static void AssertDownloadedThenRunning(IReadOnlyList<string> shown, string model)
    {
        var percents = shown.Select(s => Progress().Match(s)).Where(m => m.Success && m.Groups["model"].Value == model)
            .Select(m => int.Parse(m.Groups["percent"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(percents, p => p is > 0 and < 100);
        Assert.Equal(percents.Order(), percents);
        var lastDownload = shown.ToList().FindLastIndex(s => Progress().IsMatch(s));
        Assert.Contains(KnownResourceStates.Running, shown.Skip(lastDownload + 1));
        Assert.DoesNotContain(KnownResourceStates.FailedToStart, shown);
    }

    private static async Task<JsonNode> WaitUntilModelsAnswerAsync(HttpClient api, CancellationToken cancellationToken)
    {
        // The Api probes its model server every RagLab:Ollama:ProbeInterval (15 s): it saw no server at start.
        while (true)
        {
            var models = JsonNode.Parse(await api.GetStringAsync("/api/status", cancellationToken))!["models"]!;
            if ((bool)models["chatAvailable"]! && (bool)models["embeddingsAvailable"]!) return models;
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// A free port below Linux's ephemeral range, so that no outgoing connection takes it while the lab starts without the server.
    /// </summary>
    private static int FreePortOutsideEphemeralRange()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(23000, 32000);
            try
            {
                var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free port between 23000 and 32000");
    }

    [GeneratedRegex(@"^Downloading (?<model>\S+) (?<percent>\d+)%$")]
    private static partial Regex Progress();

    /// <summary>Every state the dashboard was sent for some resources, in order, from the start of the AppHost.</summary>
    private sealed class ResourceStateLog(params string[] resources)
    {
        private readonly ConcurrentQueue<(string Resource, string State)> _states = new();
        private Task _watching = Task.CompletedTask;

        public void Watch(ResourceNotificationService notifications, CancellationToken cancellationToken) =>
            _watching = Task.Run(async () =>
            {
                try
                {
                    await foreach (var update in notifications.WatchAsync(cancellationToken))
                    {
                        if (resources.Contains(update.Resource.Name) && update.Snapshot.State?.Text is { Length: > 0 } state
                            && !_states.Where(s => s.Resource == update.Resource.Name).Select(s => s.State).LastOrDefault("").Equals(state))
                            _states.Enqueue((update.Resource.Name, state));
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);

        /// <summary>The states shown for one resource, repeats of the same state left out.</summary>
        public IReadOnlyList<string> Of(string resource) => _states.Where(s => s.Resource == resource).Select(s => s.State).ToList();

        public Task StopAsync() => _watching;
    }
}
