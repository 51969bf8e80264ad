namespace RagLab.AppHost.Tests;

/// <summary><c>dotnet run --project AppHost</c> on a machine with only the .NET SDK: no container engine, no redis-server, no Postgres.</summary>
[Collection(AppHostCollection.Name)]
public class NothingInstalledTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task The_api_and_web_come_up_on_the_embedded_fallbacks()
    {
        var data = LabDirectories.Create();
        try
        {
            await using var app = await LabDirectories.StartAsync(
            [
                .. MachineArguments.NothingInstalled,
                $"--RagLab:DataDirectory={data.FullName}",
            ], ["api", "web"], output.WriteLine);
            using var api = app.CreateHttpClient("api");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

            var status = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("/api/status", timeout.Token))!;

            Assert.Equal("embedded", RunningLabTests.Dependency(status, "answer cache"));
            Assert.Equal("embedded", RunningLabTests.Dependency(status, "job queue"));
            Assert.Equal("embedded", RunningLabTests.Dependency(status, "vector index"));
            Assert.Equal("sqlite (embedded)", RunningLabTests.Dependency(status, "database"));
            Assert.True((bool)status["jobsInProcess"]!);
            Assert.False(app.ResourceNotifications.TryGetCurrentState("worker", out _));
            output.WriteLine("asserted");
        }
        finally
        {
            LabDirectories.Delete(data);
        }
    }
}
