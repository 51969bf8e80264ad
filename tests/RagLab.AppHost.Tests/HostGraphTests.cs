namespace RagLab.AppHost.Tests;

/// <summary>The stack without a container engine: what the machine has runs as executables, the rest is embedded.</summary>
public class HostGraphTests
{
    [Fact]
    public async Task Installed_servers_run_as_executables_and_postgres_runs_through_its_start_script()
    {
        var model = await AppModel.CreateAsync("--RagLab:Containers=false", "--PATH=/nonexistent",
            "--RagLab:Tools:RedisServer=/usr/bin/redis-server", "--RagLab:Tools:PostgresBin=/usr/lib/postgresql/15/bin");

        Assert.Equal("/usr/bin/redis-server", model.Resource<ExecutableResource>("cache").Command);
        Assert.Equal("sh", model.Resource<ExecutableResource>("postgres").Command);
        Assert.DoesNotContain("ollama", model.ResourceNames);
        Assert.DoesNotContain("vectordb", model.ResourceNames);
        Assert.Equal(["cache", "db"], await model.ConnectionStringsOf("worker"));
        Assert.Equal(["cache", "db", "postgres"], model.WaitsOf("api"));
    }

    [Fact]
    public async Task Ollama_and_qdrant_on_the_machine_run_as_executables_with_their_data_in_the_lab_folder()
    {
        var model = await AppModel.CreateAsync([.. MachineArguments.NothingInstalled,
            "--RagLab:Tools:Ollama=/usr/local/bin/ollama", "--RagLab:Tools:Qdrant=/usr/local/bin/qdrant", "--RagLab:DataDirectory=/srv/raglab"]);

        Assert.Equal("/usr/local/bin/ollama", model.Resource<ExecutableResource>("ollama").Command);
        Assert.Equal(["serve"], await model.ArgumentsOf("ollama"));
        var ollama = await model.EnvironmentOf("ollama");
        Assert.StartsWith("127.0.0.1:", ollama["OLLAMA_HOST"]); // a port of its own, not 11434 where the user's Ollama may run
        Assert.Equal("/srv/raglab/ollama", ollama["OLLAMA_MODELS"]);

        Assert.Equal("/usr/local/bin/qdrant", model.Resource<ExecutableResource>("vectordb").Command);
        var qdrant = await model.EnvironmentOf("vectordb");
        Assert.Equal("127.0.0.1", qdrant["QDRANT__SERVICE__HOST"]);
        Assert.Equal("/srv/raglab/qdrant/storage", qdrant["QDRANT__STORAGE__STORAGE_PATH"]);
        Assert.Equal("{vectordb-Key.value}", qdrant["QDRANT__SERVICE__API_KEY"]);

        Assert.Equal(["chat", "embeddings", "vectordb", "vectordb_http"], await model.ConnectionStringsOf("api"));
        Assert.Equal(["vectordb"], model.WaitsOf("api")); // not the models: their pull may take hours
    }

    [Fact]
    public async Task With_nothing_installed_the_api_runs_jobs_itself_and_there_is_no_worker()
    {
        var model = await AppModel.CreateAsync(MachineArguments.NothingInstalled);

        Assert.Equal(["api", "web"], model.ResourceNames);
        Assert.Equal("true", (await model.EnvironmentOf("api"))["RagLab__Jobs__RunInProcess"]);
        Assert.Empty(await model.ConnectionStringsOf("api"));
    }

    [Fact]
    public async Task A_wrong_gpu_setting_says_which_values_work()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppModel.CreateAsync("--RagLab:Gpu=intel"));
        Assert.Contains("Use auto, nvidia, amd or none", error.ToString());
    }
}
