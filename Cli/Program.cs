namespace RagLab.Cli;

/// <summary>The raglab executable. A named class (not top-level statements) so it does not clash with the Api's Program in tests.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => RaglabApp.RunAsync(args, CliContext.ForProcess());
}
