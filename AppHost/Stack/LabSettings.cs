using Microsoft.Extensions.Configuration;
using RagLab.AppHost.Resources;

namespace RagLab.AppHost.Stack;

/// <summary>
/// The AppHost's settings (AppHost/appsettings.json, user secrets, <c>RagLab__*</c> environment variables or <c>-- --RagLab:…=…</c>):
/// <list type="bullet">
/// <item><c>RagLab:Containers</c>: auto (default: containers when <c>docker info</c> answers) | true | false.</item>
/// <item><c>RagLab:Gpu</c>: auto (default: nvidia when <c>nvidia-smi</c> answers, else none) | nvidia | amd | none.</item>
/// <item><c>RagLab:ChatModel</c>, <c>RagLab:EmbeddingModel</c>: what Ollama pulls.</item>
/// <item><c>RagLab:DataDirectory</c>: the Api's and Worker's shared data and the host servers' data (default <c>AppHost/.raglab</c>).</item>
/// </list>
/// </summary>
public sealed record LabSettings(bool Containers, string ContainersReason, GpuVendor Gpu, string GpuReason, string ChatModel, string EmbeddingModel,
    string DataDirectory, HostTools Tools)
{
    public const string DefaultChatModel = "qwen2.5:1.5b";
    public const string DefaultEmbeddingModel = "all-minilm";

    public static LabSettings Read(IConfiguration configuration, string appHostDirectory)
    {
        var (containers, containersReason) = ReadContainers(configuration);
        var (gpu, gpuReason) = ReadGpu(configuration);
        var data = configuration["RagLab:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, appHostDirectory)
            : Path.Combine(appHostDirectory, ".raglab");
        return new(containers, containersReason, gpu, gpuReason,
            configuration["RagLab:ChatModel"] is { Length: > 0 } chat ? chat : DefaultChatModel,
            configuration["RagLab:EmbeddingModel"] is { Length: > 0 } embedding ? embedding : DefaultEmbeddingModel,
            data, HostTools.Find(configuration));
    }

    private static (bool, string) ReadContainers(IConfiguration configuration)
    {
        var setting = configuration["RagLab:Containers"]?.Trim().ToLowerInvariant();
        switch (setting)
        {
            case "true" or "yes" or "on":
                return (true, "RagLab:Containers=true");
            case "false" or "no" or "off":
                return (false, "RagLab:Containers=false");
            case null or "" or "auto":
                var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
                return HostTools.Answers(runtime, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(10))
                    ? (true, $"'{runtime} info' answered")
                    : (false, $"no container engine answered '{runtime} info'");
            default:
                throw new InvalidOperationException($"RagLab:Containers is '{setting}'. Use auto, true or false (AppHost/appsettings.json or RagLab__Containers).");
        }
    }

    private static (GpuVendor, string) ReadGpu(IConfiguration configuration)
    {
        var setting = configuration["RagLab:Gpu"]?.Trim().ToLowerInvariant();
        return setting switch
        {
            "nvidia" => (GpuVendor.Nvidia, "RagLab:Gpu=nvidia"),
            "amd" => (GpuVendor.Amd, "RagLab:Gpu=amd"),
            "none" or "cpu" => (GpuVendor.None, "RagLab:Gpu=none"),
            null or "" or "auto" => HostTools.Answers("nvidia-smi", [], TimeSpan.FromSeconds(10))
                ? (GpuVendor.Nvidia, "auto: nvidia-smi answered")
                : (GpuVendor.None, "auto: nvidia-smi did not answer, CPU only"),
            _ => throw new InvalidOperationException($"RagLab:Gpu is '{setting}'. Use auto, nvidia, amd or none (AppHost/appsettings.json or RagLab__Gpu)."),
        };
    }
}
