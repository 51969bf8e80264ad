namespace RagLab.AppHost.Tests;

/// <summary>AppHost arguments that make this machine look like another one.</summary>
internal static class MachineArguments
{
    /// <summary>Only the .NET SDK: no container engine, nothing on <c>PATH</c>, no Debian Postgres.</summary>
    public static readonly string[] NothingInstalled = ["--RagLab:Containers=false", "--PATH=/nonexistent", "--RagLab:Tools:PostgresRoot=/nonexistent"];
}
