using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagLab.Cli.Tests;

/// <summary><c>raglab keys create</c>: the printed entry configures an Api in shared mode, and the printed secret opens it.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private const string Url = "http://localhost:5080";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_created_key_opens_a_shared_api_configured_with_its_entry_and_nothing_else_does()
    {
        var cli = new CliHarness(_temp.Combine("cli-data"));
        var created = await cli.RunOkAsync("keys", "create", "--name", "ci", "--role", "writer", "--group", "hr", "--group", "legal");
        var lines = created.Output.Split('\n', StringSplitOptions.TrimEntries);
        var secret = Assert.Single(lines, l => l.StartsWith("raglab_ci_", StringComparison.Ordinal));
        var json = created.Output[created.Output.IndexOf('{')..(created.Output.LastIndexOf('}') + 1)];
        using var entry = JsonDocument.Parse(json);
        Assert.Equal("ci", entry.RootElement.GetProperty("Name").GetString());
        Assert.Equal("writer", entry.RootElement.GetProperty("Role").GetString());
        Assert.Equal(["hr", "legal"], entry.RootElement.GetProperty("Groups").EnumerateArray().Select(g => g.GetString()));
        var hash = entry.RootElement.GetProperty("Hash").GetString()!;
        Assert.DoesNotContain(secret, json);
        Assert.DoesNotContain(secret.Split('_')[^1], hash);

        await using var api = new SharedApiFactory(_temp.Combine("api-data"), new Dictionary<string, string?>
        {
            ["RagLab:Access:Mode"] = "shared",
            ["RagLab:Access:Keys:0:Name"] = "ci",
            ["RagLab:Access:Keys:0:Role"] = "writer",
            ["RagLab:Access:Keys:0:Groups:0"] = "hr",
            ["RagLab:Access:Keys:0:Hash"] = hash,
        });
        var remote = new CliHarness(_temp.Combine("cli-data"), () => api.Server.CreateHandler());

        var refused = await remote.RunAsync("--url", Url, "docs", "list");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("X-Api-Key", refused.Error);
        var wrong = await remote.RunAsync("--url", Url, "--api-key", secret[..^1] + (secret[^1] == 'A' ? "B" : "A"), "docs", "list");
        Assert.Equal(1, wrong.ExitCode);

        var ingest = await remote.RunOkAsync("--url", Url, "--api-key", secret, "ingest", SampleFiles.WriteDocuments(_temp), "-c", "shop");
        Assert.Contains(ingest.Rows, r => r[0].EndsWith("refunds.md") && r[1] == "ready");
        var list = await remote.RunOkAsync("docs", "list", "--url", Url, "--api-key", secret);
        Assert.Equal(2, list.Rows.Count(r => r.Contains("shop") && r.Contains("ready")));
        // A writer is no admin: the status leaves out where the Api keeps its files.
        var status = await remote.RunOkAsync("status", "--url", Url, "--api-key", secret);
        Assert.Contains("shown to admins only", status.Output);
        Assert.DoesNotContain(Path.GetFullPath(_temp.Combine("api-data")), status.Output);
    }

    [Fact]
    public async Task A_key_needs_a_known_role_and_a_plain_name()
    {
        var cli = new CliHarness(_temp.Combine("cli-data"));
        var role = await cli.RunAsync("keys", "create", "--name", "ci", "--role", "owner");
        Assert.Equal(2, role.ExitCode);
        Assert.Contains("reader", role.Error);
        Assert.Contains("admin", role.Error);

        var name = await cli.RunAsync("keys", "create", "--name", "my_key", "--role", "reader");
        Assert.Equal(2, name.ExitCode);
        Assert.Contains("--name must be 1 to 40 letters, digits or '-'", name.Error);
    }

    private sealed class SharedApiFactory(string dataDirectory, Dictionary<string, string?> settings) : WebApplicationFactory<global::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("RagLab:DataDirectory", dataDirectory);
            builder.UseSetting("RagLab:Ollama:Endpoint", CliHarness.NoModelServer);
            builder.UseSetting("RagLab:Ollama:ProbeInterval", "00:00:00.200");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }
}
