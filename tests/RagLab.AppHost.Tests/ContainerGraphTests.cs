namespace RagLab.AppHost.Tests;

/// <summary>The stack a machine with a container engine gets (<c>RagLab:Containers=true</c>), checked on the model without starting it.</summary>
public class ContainerGraphTests
{
    private static Task<AppModel> ContainerModel(params string[] extra) =>
        AppModel.CreateAsync(["--RagLab:Containers=true", "--RagLab:Gpu=none", .. extra]);

    [Fact]
    public async Task Every_dependency_is_a_container_with_its_image_tag_and_data_volume()
    {
        var model = await ContainerModel();

        Assert.Equal(["api", "cache", "chat", "db", "embeddings", "ollama", "postgres", "vectordb", "web", "worker"],
            model.ResourceNames);

        AssertImage(model, "ollama", "docker.io", "ollama/ollama", "0.32.15");
        AssertImage(model, "vectordb", "docker.io", "qdrant/qdrant", "v1.17.0");
        Assert.Contains("redis", model.Resource("cache").Annotations.OfType<ContainerImageAnnotation>().Single().Image);
        Assert.Contains("postgres", model.Resource("postgres").Annotations.OfType<ContainerImageAnnotation>().Single().Image);

        Assert.Equal("/root/.ollama", VolumeTarget(model, "ollama"));
        Assert.Equal("/qdrant/storage", VolumeTarget(model, "vectordb"));
        Assert.Equal("/data", VolumeTarget(model, "cache"));
        Assert.Equal("/var/lib/postgresql", VolumeTarget(model, "postgres"));
    }

    [Theory]
    [InlineData("nvidia", "0.32.15", "--gpus all")]
    [InlineData("amd", "0.32.15-rocm", "--device /dev/kfd --device /dev/dri")]
    [InlineData("none", "0.32.15", "")]
    public async Task The_gpu_setting_picks_the_ollama_image_and_docker_arguments(string gpu, string tag, string runtimeArgs)
    {
        var model = await AppModel.CreateAsync("--RagLab:Containers=true", $"--RagLab:Gpu={gpu}");

        Assert.Equal(tag, model.Resource("ollama").Annotations.OfType<ContainerImageAnnotation>().Single().Tag);
        Assert.Equal(runtimeArgs, string.Join(' ', await model.ContainerRuntimeArgsOf("ollama")));
    }

    [Fact]
    public async Task Api_and_worker_get_every_connection_string_and_web_finds_the_api()
    {
        var model = await ContainerModel();

        string[] expected = ["cache", "chat", "db", "embeddings", "vectordb", "vectordb_http"];
        Assert.Equal(expected, await model.ConnectionStringsOf("api"));
        Assert.Equal(expected, await model.ConnectionStringsOf("worker"));
        Assert.Empty(await model.ConnectionStringsOf("web"));

        var api = await model.EnvironmentOf("api");
        Assert.Equal("{chat.connectionString}", api["ConnectionStrings__chat"]);
        Assert.Equal("{db.connectionString}", api["ConnectionStrings__db"]);
        Assert.Equal("false", api["RagLab__Jobs__RunInProcess"]);
        Assert.Equal("true", (await model.EnvironmentOf("worker"))["RagLab__Jobs__RunInProcess"]);
        Assert.Equal(api["RagLab__DataDirectory"], (await model.EnvironmentOf("worker"))["RagLab__DataDirectory"]);
        Assert.True(Path.IsPathRooted(api["RagLab__DataDirectory"]));
        Assert.Contains("services__api__http__0", (await model.EnvironmentOf("web")).Keys);
    }

    [Fact]
    public async Task The_model_connection_strings_have_the_community_toolkit_format()
    {
        var model = await ContainerModel("--RagLab:ChatModel=llama3.2:3b");

        var chat = model.Resource<IResourceWithConnectionString>("chat");
        Assert.Equal("{ollama.connectionString};Model=llama3.2:3b", chat.ConnectionStringExpression.ValueExpression);
        Assert.Equal("Endpoint={ollama.bindings.http.url}", model.Resource<IResourceWithConnectionString>("ollama").ConnectionStringExpression.ValueExpression);
        var vectordb = (await model.EnvironmentOf("api"))["ConnectionStrings__vectordb_http"];
        Assert.Equal("Endpoint={vectordb.bindings.http.url};Key={vectordb-Key.value}", vectordb);
    }

    [Fact]
    public async Task Projects_wait_only_for_what_they_cannot_work_without()
    {
        var model = await ContainerModel();

        // Not the models: a pull can take hours, and the Api answers extractively meanwhile. Waiting for db waits for its server.
        Assert.Equal(["cache", "db", "postgres", "vectordb"], model.WaitsOf("api"));
        Assert.Equal(["cache", "db", "postgres", "vectordb"], model.WaitsOf("worker"));
        Assert.Equal(["api"], model.WaitsOf("web"));
        Assert.Empty(model.WaitsOf("chat"));
    }

    [Fact]
    public async Task Existing_servers_in_configuration_replace_their_containers()
    {
        var model = await ContainerModel(
            "--ConnectionStrings:chat=Endpoint=http://gpu-box:11434;Model=llama3.2:3b",
            "--ConnectionStrings:embeddings=Endpoint=http://gpu-box:11434;Model=all-minilm",
            "--ConnectionStrings:cache=redis-box:6379,password=secret");

        Assert.DoesNotContain("ollama", model.ResourceNames);
        Assert.IsNotType<ContainerResource>(model.Resource("cache"));
        Assert.IsType<ContainerResource>(model.Resource("vectordb"), exactMatch: false);
        Assert.Equal("{chat.connectionString}", (await model.EnvironmentOf("api"))["ConnectionStrings__chat"]);
        // The AppHost does not run them, so nothing waits for them.
        Assert.Equal(["db", "postgres", "vectordb"], model.WaitsOf("api"));
    }

    private static void AssertImage(AppModel model, string name, string registry, string image, string tag)
    {
        var annotation = model.Resource(name).Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal((registry, image, tag), (annotation.Registry, annotation.Image, annotation.Tag));
    }

    private static string VolumeTarget(AppModel model, string name) =>
        model.Resource(name).Annotations.OfType<ContainerMountAnnotation>().Single(m => m.Type == ContainerMountType.Volume).Target;
}
