namespace RagLab.AppHost.Stack;

/// <summary>How a dependency of the lab runs; what the dashboard's "raglab.mode" property and the start-up log say.</summary>
public enum LabServiceMode
{
    /// <summary>A server the user already runs, named by <c>ConnectionStrings:{name}</c> in the AppHost's configuration.</summary>
    Existing,
    Container,
    Executable,
}

/// <summary>A dependency the AppHost provides; absent (null) means the Api and Worker use their embedded default.</summary>
public sealed record LabService(IResourceBuilder<IResourceWithConnectionString> Resource, LabServiceMode Mode, string Description)
{
    /// <summary>The AppHost starts (and so can wait for) what it runs itself, not an existing server.</summary>
    public bool IsManaged => Mode != LabServiceMode.Existing;
}
