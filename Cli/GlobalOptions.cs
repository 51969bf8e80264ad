using System.CommandLine;
using RagLab.Core.Kernel;

namespace RagLab.Cli;

/// <summary>Options every command accepts: where the lab is.</summary>
public sealed class GlobalOptions
{
    public Option<Uri?> Url { get; } = new("--url")
    {
        Description = "Use a running RagLab Api (e.g. http://localhost:5080) instead of working in-process",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
            result.AddError($"--url must be an absolute http(s) address such as http://localhost:5080; got '{text}'.");
            return null;
        },
    };

    public Option<string?> DataDirectory { get; } = new("--data-dir")
    {
        Description = "In-process: the data directory shared with the Api (default: RagLab:DataDirectory, ./.raglab)",
        Recursive = true,
    };

    /// <summary>A fresh <c>--collection</c> option (each command owns its own instance).</summary>
    public static Option<string?> Collection(string description = "Collection (default: 'default')") => new("--collection", "-c") { Description = description };
}
