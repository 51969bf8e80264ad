namespace RagLab.AppHost.Tests;

/// <summary>
/// The fine-tuning trainer (Trainer/) in the application model, never started: a GPU container where containers and an NVIDIA
/// GPU are, the local Python with <c>RagLab:Trainer=python</c>, otherwise nothing (and the Api's <c>/api/status</c> then says the
/// trainer is not connected: HostEndpointsTests in RagLab.Api.Tests).
/// </summary>
public class TrainerGraphTests
{
    private const string EndpointVariable = "RagLab__FineTuning__Trainer__Endpoint";

    [Fact]
    public async Task With_containers_and_an_nvidia_gpu_the_trainer_is_a_gpu_container_whose_url_the_api_and_worker_get()
    {
        var model = await AppModel.CreateAsync("--RagLab:Containers=true", "--RagLab:Gpu=nvidia");

        var trainer = Assert.IsType<ContainerResource>(model.Resource("trainer"), exactMatch: false);
        var build = trainer.Annotations.OfType<DockerfileBuildAnnotation>().Single();
        Assert.Equal("Trainer", Path.GetFileName(build.ContextPath.TrimEnd(Path.DirectorySeparatorChar)));
        Assert.Equal("--gpus all", string.Join(' ', await model.ContainerRuntimeArgsOf("trainer")));
        Assert.Equal(8000, trainer.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").TargetPort);
        Assert.Equal("/data", trainer.Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Type == ContainerMountType.Volume).Target);
        Assert.Contains("HF_TOKEN", (await model.EnvironmentOf("trainer")).Keys);

        Assert.Equal("{trainer.bindings.http.url}", (await model.EnvironmentOf("api"))[EndpointVariable]);
        Assert.Equal("{trainer.bindings.http.url}", (await model.EnvironmentOf("worker"))[EndpointVariable]);
        // Training is optional: nothing waits for a trainer image to build.
        Assert.DoesNotContain("trainer", model.WaitsOf("api"));
        Assert.DoesNotContain("trainer", model.WaitsOf("worker"));
    }

    [Fact]
    public async Task With_trainer_python_it_is_an_executable_of_the_local_python_whose_url_the_api_and_worker_get()
    {
        var model = await AppModel.CreateAsync([.. MachineArguments.NothingInstalled,
            "--RagLab:Tools:RedisServer=/usr/bin/redis-server", "--RagLab:Trainer=python", "--RagLab:Tools:Python=/opt/trainer-venv/bin/python"]);

        var trainer = model.Resource<ExecutableResource>("trainer");
        Assert.Equal("/opt/trainer-venv/bin/python", trainer.Command);
        Assert.Equal("Trainer", Path.GetFileName(trainer.WorkingDirectory.TrimEnd(Path.DirectorySeparatorChar)));
        Assert.Equal(["-m", "raglab_trainer", "--host", "127.0.0.1"], await model.ArgumentsOf("trainer"));
        var environment = await model.EnvironmentOf("trainer");
        Assert.Contains("PORT", environment.Keys);
        Assert.True(Path.IsPathRooted(environment["TRAINER_WORK_DIR"]));

        Assert.Equal("{trainer.bindings.http.url}", (await model.EnvironmentOf("api"))[EndpointVariable]);
        Assert.Equal("{trainer.bindings.http.url}", (await model.EnvironmentOf("worker"))[EndpointVariable]);
    }

    [Theory]
    [InlineData("--RagLab:Containers=true", "--RagLab:Gpu=none")] // LoRA on a CPU is impractical: no trainer by default
    [InlineData("--RagLab:Containers=false", "--RagLab:Gpu=nvidia")] // a GPU but no container engine, and no RagLab:Trainer=python
    [InlineData("--RagLab:Containers=true", "--RagLab:Gpu=nvidia", "--RagLab:Trainer=none")]
    public async Task Otherwise_there_is_no_trainer_and_the_api_gets_no_trainer_url(params string[] args)
    {
        var model = await AppModel.CreateAsync([.. args, "--PATH=/nonexistent", "--RagLab:Tools:PostgresRoot=/nonexistent"]);

        Assert.DoesNotContain("trainer", model.ResourceNames);
        Assert.DoesNotContain(EndpointVariable, (await model.EnvironmentOf("api")).Keys);
    }

    [Fact]
    public async Task A_wrong_trainer_setting_says_which_values_work()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.CreateAsync("--RagLab:Containers=false", "--RagLab:Trainer=gpu"));
        Assert.Contains("Use auto, container, python or none", error.ToString());
    }
}
