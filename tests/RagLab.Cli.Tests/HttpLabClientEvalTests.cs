using System.Net;
using System.Text;
using System.Text.Json;
using RagLab.Cli.Backends;
using RagLab.Contracts;
using RagLab.Infrastructure.ContractMapping;
using Runs = RagLab.Core.Evaluation.Runs;

namespace RagLab.Cli.Tests;

/// <summary>What the CLI's HTTP back-end sends when it starts an eval run, read as the Api reads it.</summary>
public sealed class HttpLabClientEvalTests
{
    [Fact]
    public async Task Starting_a_run_sends_every_setting_as_the_contract_request_and_reads_the_accepted_run()
    {
        var handler = new RecordingHandler("""{"runId":"run-1","jobId":"job-1"}""");
        await using var client = new HttpLabClient(new HttpClient(handler) { BaseAddress = new Uri("http://lab.test/") });
        var request = new StartEvalRunRequest("set-1", ["base", "my-adapter"], ["bm25"], TopK: 7, Parallelism: 3, Judge: true,
            Prices: new PriceSettings(GpuDollarsPerHour: 1.5), ModeRoles: new Dictionary<string, ModeRole> { ["my-adapter"] = ModeRole.FineTuned },
            CorrectF1Threshold: 0.6);

        var started = await client.StartEvalRunAsync(request, CancellationToken.None);

        Assert.Equal(new EvalRunAccepted("run-1", "job-1"), started);
        Assert.Equal("/api/evalruns", handler.Path);
        // The Api's JSON settings, then its mapping to the run Core executes.
        var sent = JsonSerializer.Deserialize<StartEvalRunRequest>(handler.Body!, RagLabJson.Options)!.ToDomain();
        Assert.Equal(("set-1", 7, 3, true, 0.6), (sent.SetId, sent.TopK, sent.Parallelism, sent.Judge, sent.CorrectF1Threshold));
        Assert.Equal(["base", "my-adapter"], sent.Modes);
        Assert.Equal(["bm25"], sent.Retrievers!);
        Assert.Equal(1.5, sent.Prices!.GpuDollarsPerHour);
        Assert.Equal(Runs.ModeRole.FineTuned, sent.ModeRoles!["my-adapter"]);
    }

    private sealed class RecordingHandler(string response) : HttpMessageHandler
    {
        public string? Path { get; private set; }
        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Path = request.RequestUri!.AbsolutePath;
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent(response, Encoding.UTF8, "application/json") };
        }
    }
}
