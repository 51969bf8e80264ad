namespace RagLab.AppHost.Stack;

/// <summary>
/// The fine-tuning trainer (Trainer/): <c>RagLab:Trainer</c> = <c>auto</c> (default: a container built from Trainer/Dockerfile
/// with <c>--gpus all</c> when containers run and the GPU is NVIDIA; otherwise none, since LoRA on a CPU is impractical) |
/// <c>container</c> | <c>python</c> (the local Python environment <c>RagLab:Tools:Python</c>, default <c>python3</c>, which must
/// have Trainer/requirements.txt installed) | <c>none</c>. The Worker and the Api get its URL as <c>RagLab:FineTuning:Trainer:Endpoint</c>.
/// </summary>
public static class TrainerResource
{
    public static EndpointReference? AddTrainer(this LabStack lab, string name)
    {
        var builder = lab.Builder;
        var setting = builder.Configuration["RagLab:Trainer"]?.Trim().ToLowerInvariant() ?? "auto";
        var trainerDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "Trainer"));
        var mode = setting switch
        {
            "auto" => lab.Settings.Containers && lab.Settings.Gpu == Resources.GpuVendor.Nvidia ? "container" : "none",
            "container" or "python" or "none" => setting,
            _ => throw new InvalidOperationException($"RagLab:Trainer is '{setting}'. Use auto, container, python or none."),
        };
        switch (mode)
        {
            case "container":
                var container = builder.AddDockerfile(name, trainerDirectory)
                    .WithHttpEndpoint(targetPort: 8000, name: "http")
                    .WithVolume("raglab-trainer-data", "/data")
                    .WithEnvironment("HF_TOKEN", builder.Configuration["RagLab:HfToken"] ?? "");
                if (lab.Settings.Gpu == Resources.GpuVendor.Nvidia) container.WithContainerRuntimeArgs("--gpus", "all");
                return container.WithHttpHealthCheck("/health").GetEndpoint("http");
            case "python":
                var python = builder.Configuration["RagLab:Tools:Python"] ?? "python3";
                return builder.AddExecutable(name, python, trainerDirectory, "-m", "raglab_trainer", "--host", "127.0.0.1")
                    .WithHttpEndpoint(env: "PORT", name: "http")
                    .WithEnvironment("TRAINER_WORK_DIR", Path.Combine(lab.Settings.DataDirectory, "trainer"))
                    .WithHttpHealthCheck("/health").GetEndpoint("http");
            default:
                return null;
        }
    }

    /// <summary>Hands the trainer's URL to a project (nothing when there is no trainer); the project does not wait for it.</summary>
    public static IResourceBuilder<ProjectResource> WithTrainer(this IResourceBuilder<ProjectResource> project, EndpointReference? trainer) =>
        trainer is null ? project : project.WithEnvironment("RagLab__FineTuning__Trainer__Endpoint", trainer);
}
