using System.Net;
using System.Web;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;
using static RagLab.Web.Tests.Components.FineTuneSamples;

namespace RagLab.Web.Tests.Components;

public sealed partial class FineTuningPageTests : PageTestContext
{
    public FineTuningPageTests()
    {
        Api.Get("/api/finetunes", new List<FineTuneResponse>())
           .Get("/api/datasets", new List<DatasetResponse>())
           .Get("/api/models", Models())
           .Get("/api/status", Samples.Status());
    }

    [Fact]
    public void Shows_loading_while_it_asks()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/finetunes", new List<FineTuneResponse>());
        var page = Render<FineTuning>();

        Assert.Contains("Asking the Api for fine-tuning", page.Find("[role=status]").TextContent);
        release.SetResult();
        page.WaitForAssertion(() => Assert.Contains("No fine-tuning jobs yet.", page.Find("[data-testid=no-jobs]").TextContent));
    }

    [Fact]
    public void Says_not_available_yet_while_the_Api_has_no_fine_tuning_routes()
    {
        Api.Problem(HttpMethod.Get, "/api/finetunes", HttpStatusCode.NotFound, null!); // an Api without the routes: ASP.NET Core's 404
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Contains("Not available yet", page.Find("[data-testid=not-available]").TextContent));
        Assert.Equal(["GET /api/finetunes"], Api.Requests);
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public void Without_a_trainer_says_training_is_not_available_in_the_Apis_words_and_still_lists_datasets_and_versions()
    {
        Api.Get("/api/models", Models([Version()], trainer: false))
           .Get("/api/status", StatusWithoutTrainer())
           .Get("/api/datasets", new List<DatasetResponse> { Dataset() });
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Contains("Training is not available: " + NoTrainer, TextOf(page.Find("[data-testid=training-not-available]"))));
        Assert.Single(page.FindAll("[data-testid=dataset-row]"));
        Assert.DoesNotContain(page.FindAll("[data-testid=dataset-row] button"), b => b.TextContent.StartsWith("Fine-tune", StringComparison.Ordinal));
        Assert.Single(page.FindAll("[data-testid=version-row]"));
        Assert.Empty(page.FindAll("[data-testid=not-available]")); // the fine-tuning API is there; only training is not
    }

    [Fact]
    public void With_nothing_yet_each_list_says_so_and_the_trainer_is_shown()
    {
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Contains("No training datasets yet", page.Find("[data-testid=no-datasets]").TextContent));
        Assert.Contains("No fine-tuning jobs yet.", page.Find("[data-testid=no-jobs]").TextContent);
        Assert.Contains("No fine-tuned models yet.", page.Find("[data-testid=no-versions]").TextContent);
        Assert.Contains("No version has been probed yet.", page.Find("[data-testid=forgetting]").TextContent);
        var trainer = page.Find("[data-testid=trainer]");
        Assert.Equal("local", trainer.GetAttribute("data-backend"));
        Assert.Contains("reachable", trainer.TextContent);
        Assert.Contains("NVIDIA L4 (22.5 GB)", trainer.TextContent);
    }

    [Fact]
    public void Shows_an_error_and_tries_again()
    {
        Api.Problem(HttpMethod.Get, "/api/finetunes", HttpStatusCode.ServiceUnavailable, "The database is not answering.");
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Equal("Fine-tuning could not be loaded: The database is not answering.", page.Find("[data-testid=error]").TextContent));
        Api.Get("/api/finetunes", new List<FineTuneResponse>());
        page.FindAll("button").Single(b => b.TextContent == "Try again").Click();
        page.WaitForAssertion(() => Assert.Contains("No fine-tuning jobs yet.", page.Find("[data-testid=no-jobs]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=error]"));
    }

    [Fact]
    public void Each_lists_error_shows_next_to_it()
    {
        Api.Problem(HttpMethod.Get, "/api/datasets", HttpStatusCode.InternalServerError, "datasets are broken")
           .Problem(HttpMethod.Get, "/api/models", HttpStatusCode.InternalServerError, "models are broken");
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Contains("The datasets could not be loaded: datasets are broken", page.Find("#datasets-heading + [data-testid=error]").TextContent));
        Assert.Contains("models are broken", page.Find("#versions-heading + [data-testid=error]").TextContent);
        Assert.Contains("models are broken", page.Find("#trainers-heading + [data-testid=error]").TextContent);
        Assert.Contains("No fine-tuning jobs yet.", page.Find("[data-testid=no-jobs]").TextContent); // what did load is shown
    }

    [Fact]
    public void A_dataset_shows_its_statistics_and_a_preview_of_each_split()
    {
        var dataset = Dataset();
        Api.Get("/api/datasets", new List<DatasetResponse> { dataset, Dataset("ds_2", "building-one", "building") })
           .Get("/api/datasets/ds_1", Details(dataset));
        var page = Render<FineTuning>();
        page.WaitForElement("[data-dataset-id=ds_1]");

        var row = page.Find("[data-dataset-id=ds_1]");
        Assert.Equal(["support-raft", "default", "raft", "ready", "40", "5"], row.Children.Take(6).Select(c => TextOf(c)));
        Assert.Equal("—", TextOf(page.Find("[data-dataset-id=ds_2]").Children[4])); // no statistics while it builds
        row.QuerySelectorAll("button").Single(b => b.TextContent.StartsWith("Preview", StringComparison.Ordinal)).Click();

        page.WaitForElement("[data-testid=dataset-preview]");
        var stats = page.FindAll("[data-testid=dataset-statistics] div").ToDictionary(d => d.QuerySelector("dt")!.TextContent, d => TextOf(d.QuerySelector("dd")!));
        Assert.Equal("40", stats["Train examples"]);
        Assert.Equal("5", stats["Validation examples"]);
        Assert.Equal("2", stats["Duplicates dropped"]);
        Assert.Equal("3 questions, 4 source chunks", stats["Left out for eval sets"]);
        Assert.Equal("80.0 %", stats["Oracle share"]);
        Assert.Equal("310.4", stats["Mean prompt words"]);
        var train = page.Find("[data-testid=train-examples]");
        Assert.Equal(["system", "user", "assistant"], train.QuerySelectorAll(".role").Select(r => r.TextContent));
        Assert.Equal("How long is the refund window?", train.QuerySelectorAll(".message-text")[1].TextContent);
        Assert.Contains("The customer.", page.Find("[data-testid=validation-examples]").TextContent);

        page.Find("[data-testid=dataset-preview] button").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=dataset-preview]")));
    }

    [Fact]
    public void A_running_job_shows_its_loss_curve_and_events_and_follows_them_until_it_succeeds()
    {
        var training = new TrainingJob(Job("ft_1", "running", step: 10, total: 40),
        [
            Status(1, "running", "Training started on NVIDIA L4."),
            Metric(2, 5, 2.1),
            Metric(3, 10, 1.7, 1.9),
        ]);
        training.Script(Api);
        Api.Get("/api/datasets", new List<DatasetResponse> { Dataset() });
        var page = Render<FineTuning>();
        page.WaitForElement("[data-job-id=ft_1]");
        Assert.Contains("step 10 of 40", page.Find("[data-testid=job-row] [data-testid=progress]").TextContent);
        Assert.Contains("support-raft", page.Find("[data-testid=job-row]").TextContent); // the dataset by name

        page.Find("[data-testid=job-row] button").Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=events] li").Count));
        Assert.Equal(["step 5: train loss 2.1", "step 10: train loss 1.7"], LossTitles(page, "train"));
        Assert.Equal(["step 10: validation loss 1.9"], LossTitles(page, "validation"));
        Assert.Contains("Training started on NVIDIA L4.", page.Find("[data-testid=events]").TextContent);

        // Training goes on, then finishes: the page follows without a reload.
        training.Advance(Job("ft_1", "succeeded", step: 40, total: 40, modelName: "raglab-default-v1", updated: Samples.When.AddMinutes(20)),
            [Metric(4, 40, 1.2, 1.3), Status(5, "succeeded", "Registered raglab-default-v1.")], [Version()]);

        page.WaitForAssertion(() => Assert.Equal("succeeded", page.Find("[data-testid=job-details]").GetAttribute("data-status")));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=loss-point][data-series=train]").Count));
        Assert.Contains("registered as raglab-default-v1 (version 1)", TextOf(page.Find("[data-testid=job-state]")));
        Assert.Equal(5, page.FindAll("[data-testid=events] li").Count);
        page.WaitForAssertion(() => Assert.Equal("succeeded", page.Find("[data-testid=job-row]").GetAttribute("data-status")));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=version-row]")));
        // Events are fetched after the last one seen, never all again.
        Assert.Contains("GET /api/finetunes/ft_1/events?after=0", Api.Requests);
        Assert.Contains("GET /api/finetunes/ft_1/events?after=3", Api.Requests);
        Assert.DoesNotContain(Api.Requests.Where(r => r.StartsWith("GET /api/finetunes/ft_1/events", StringComparison.Ordinal)).Skip(1), r => r.EndsWith("after=0", StringComparison.Ordinal));
    }

    [Fact]
    public void Starts_a_fine_tune_on_a_ready_dataset_and_opens_it()
    {
        string? sent = null;
        var training = new TrainingJob(Job("ft_new", "queued", step: 0, total: 0), [Status(1, "queued", "Queued.")]);
        Api.Get("/api/datasets", new List<DatasetResponse> { Dataset() })
           .On(HttpMethod.Post, "/api/finetunes", async request =>
           {
               sent = await request.Content!.ReadAsStringAsync();
               training.Script(Api);
               return ScriptedApi.JsonResponse(training.Current, HttpStatusCode.Accepted);
           });
        var page = Render<FineTuning>();
        page.WaitForElement("[data-dataset-id=ds_1]");

        page.FindAll("[data-dataset-id=ds_1] button").Single(b => b.TextContent.StartsWith("Fine-tune", StringComparison.Ordinal)).Click();

        page.WaitForAssertion(() => Assert.Equal("ft_new", page.Find("[data-testid=job-details]").GetAttribute("data-job-id")));
        Assert.Equal("""{"datasetId":"ds_1"}""", sent);
        page.WaitForAssertion(() => Assert.Contains("Queued.", page.Find("[data-testid=events]").TextContent));
        Assert.Contains("waiting for the trainer", page.Find("[data-testid=job-state]").TextContent);
    }

    [Fact]
    public void A_refused_fine_tune_shows_the_Apis_reason_next_to_the_datasets()
    {
        Api.Get("/api/datasets", new List<DatasetResponse> { Dataset() })
           .Problem(HttpMethod.Post, "/api/finetunes", HttpStatusCode.BadRequest, "The local trainer has no model for 'qwen2.5:1.5b'. Map it in RagLab:FineTuning:BaseModels.");
        var page = Render<FineTuning>();
        page.WaitForElement("[data-dataset-id=ds_1]");

        page.FindAll("[data-dataset-id=ds_1] button").Single(b => b.TextContent.StartsWith("Fine-tune", StringComparison.Ordinal)).Click();

        page.WaitForAssertion(() => Assert.Equal("Fine-tuning on support-raft did not start: The local trainer has no model for 'qwen2.5:1.5b'. Map it in RagLab:FineTuning:BaseModels.",
            page.Find("#datasets-heading + [data-testid=error]").TextContent));
    }

    [Fact]
    public void Activates_a_version_and_deletes_one_only_after_confirming()
    {
        var versions = new List<ModelVersionResponse> { Version("v_2", 2, active: false), Version("v_1", 1, active: true) };
        Api.On(HttpMethod.Get, "/api/models", _ => Task.FromResult(ScriptedApi.JsonResponse(Models([.. versions]))))
           .On(HttpMethod.Post, "/api/finetunes/versions/v_2/activate", _ =>
           {
               versions = [versions[0] with { Active = true }, versions[1] with { Active = false }];
               return Task.FromResult(ScriptedApi.JsonResponse(versions[0]));
           })
           .On(HttpMethod.Delete, "/api/finetunes/versions/v_1", _ =>
           {
               versions = [versions[0]];
               return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
           });
        var page = Render<FineTuning>();
        page.WaitForElement("[data-version-id=v_2] [data-testid=activate]");
        Assert.Empty(page.FindAll("[data-version-id=v_1] [data-testid=activate]")); // the active one cannot be activated again

        page.Find("[data-version-id=v_2] [data-testid=activate]").Click();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-version-id=v_2]").GetAttribute("data-active")));
        Assert.Equal("false", page.Find("[data-version-id=v_1]").GetAttribute("data-active"));
        Assert.Contains("POST /api/finetunes/versions/v_2/activate", Api.Requests);

        page.Find("[data-version-id=v_1] [data-testid=delete]").Click();
        page.WaitForAssertion(() => Assert.Contains("Delete raglab-default-v1 for good", page.Find("[data-version-id=v_1] [data-testid=confirm-delete]").TextContent));
        page.FindAll("[data-version-id=v_1] button").Single(b => b.TextContent == "Keep it").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=confirm-delete]")));
        Assert.DoesNotContain(Api.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));

        page.Find("[data-version-id=v_1] [data-testid=delete]").Click();
        page.Find("[data-version-id=v_1] [data-testid=confirm-delete]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-version-id=v_1]")));
        Assert.Contains("DELETE /api/finetunes/versions/v_1", Api.Requests);
    }

    [Fact]
    public void A_version_the_model_server_keeps_shows_why_next_to_the_versions()
    {
        Api.Get("/api/models", Models([Version()]))
           .Problem(HttpMethod.Delete, "/api/finetunes/versions/v_1", HttpStatusCode.ServiceUnavailable, "Ollama did not answer; the version is kept.");
        var page = Render<FineTuning>();
        page.WaitForElement("[data-version-id=v_1] [data-testid=delete]");

        page.Find("[data-version-id=v_1] [data-testid=delete]").Click();
        page.Find("[data-version-id=v_1] [data-testid=confirm-delete]").Click();

        page.WaitForAssertion(() => Assert.Equal("Deleting raglab-default-v1 failed: Ollama did not answer; the version is kept.", page.Find("#versions-heading + [data-testid=error]").TextContent));
        Assert.Single(page.FindAll("[data-version-id=v_1]"));
    }

    [Fact]
    public void The_forgetting_probe_shows_each_versions_accuracy_beside_the_base_model()
    {
        Api.Get("/api/models", Models(
        [
            Version("v_2", 2, forgetting: new ForgettingResponse(50, 82, 76, 6, null)),
            Version("v_1", 1, active: false, forgetting: new ForgettingResponse(50, null, null, null, "The base model did not answer.")),
        ]));
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=forgetting-result]").Count));
        Assert.Equal("raglab-default-v2: 50 questions, base 82 %, fine-tuned 76 % · dropped 6 points", TextOf(page.Find("[data-testid=forgetting-result][data-version-id=v_2]")));
        Assert.Contains("The base model did not answer.", page.Find("[data-testid=forgetting-result][data-version-id=v_1] .error-inline").TextContent);
        Assert.Equal(2, page.FindAll("[data-chart=forgetting] [data-testid=bar]").Count); // v_1 measured nothing: no bars for it
        Assert.Equal("1.21 / 1.34", TextOf(page.Find("[data-version-id=v_2]").Children[4]));
        Assert.Contains("21 min · $0.38 (0.35 GPU-hours × $1.10/h)", page.Find("[data-version-id=v_2]").Children[5].TextContent);
    }

    [Fact]
    public void Html_in_names_examples_events_and_errors_is_shown_as_text()
    {
        var hostile = Dataset(name: Samples.Hostile);
        new TrainingJob(Job("ft_1", "failed", error: Samples.Hostile), [Status(1, "failed", Samples.Hostile)]).Script(Api);
        Api.Get("/api/datasets", new List<DatasetResponse> { hostile, Dataset("ds_2", Samples.Image, "failed", Samples.Script) })
           .Get("/api/datasets/ds_1", Details(hostile, Samples.Script, Samples.Image))
           .Get("/api/models", Models([Version(modelName: Samples.Image, forgetting: new ForgettingResponse(5, null, null, null, Samples.Script))]));
        var page = Render<FineTuning>();
        page.WaitForElement("[data-dataset-id=ds_1]");
        page.FindAll("[data-dataset-id=ds_1] button").First(b => b.TextContent.StartsWith("Preview", StringComparison.Ordinal)).Click();
        page.Find("[data-testid=job-row] button").Click();

        page.WaitForElement("[data-testid=dataset-preview]");
        page.WaitForElement("[data-testid=events]");
        page.WaitForElement("[data-testid=version-row]");
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Contains(Samples.Hostile, page.Find("[data-dataset-id=ds_1] th").TextContent);
        Assert.Contains(Samples.Script, page.Find("[data-dataset-id=ds_2]").TextContent);
        Assert.Contains(Samples.Script, page.Find("[data-testid=train-examples]").TextContent);
        Assert.Contains(Samples.Hostile, page.Find("[data-testid=events]").TextContent);
        Assert.Contains(Samples.Hostile, page.Find("[data-testid=job-row]").TextContent);
        Assert.Contains(Samples.Image, page.Find("[data-testid=version-row] th").TextContent);
        Assert.Contains(Samples.Script, page.Find("[data-testid=forgetting-result]").TextContent);
    }

    private static List<string> LossTitles(IRenderedComponent<FineTuning> page, string series) =>
        [.. page.FindAll($"[data-testid=loss-point][data-series={series}] title").Select(t => t.TextContent)];

    /// <summary>A job that trains while the test watches: the job, its events and the versions as the Api reports them at each poll.</summary>
    private sealed class TrainingJob(FineTuneResponse job, IEnumerable<FineTuneEventResponse> events)
    {
        private readonly Lock _gate = new();
        private readonly List<FineTuneEventResponse> _events = [.. events];
        private List<ModelVersionResponse> _versions = [];

        public FineTuneResponse Current { get { lock (_gate) return job; } }

        public void Script(ScriptedApi api)
        {
            var path = "/api/finetunes/" + job.Id;
            api.On(HttpMethod.Get, "/api/finetunes", _ => Answer(() => new List<FineTuneResponse> { job }))
               .On(HttpMethod.Get, path, _ => Answer(() => job))
               .On(HttpMethod.Get, path + "/events", request =>
               {
                   var after = long.Parse(HttpUtility.ParseQueryString(request.RequestUri!.Query)["after"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                   return Answer(() => _events.Where(e => e.Sequence > after).ToList());
               })
               .On(HttpMethod.Get, "/api/models", _ => Answer(() => Models(_versions)));
        }

        public void Advance(FineTuneResponse next, IEnumerable<FineTuneEventResponse> newEvents, List<ModelVersionResponse> versions)
        {
            lock (_gate)
            {
                job = next;
                _events.AddRange(newEvents);
                _versions = versions;
            }
        }

        private Task<HttpResponseMessage> Answer(Func<object> body)
        {
            lock (_gate) return Task.FromResult(ScriptedApi.JsonResponse(body()));
        }
    }
}
