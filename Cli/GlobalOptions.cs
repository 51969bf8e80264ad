using System.CommandLine;

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

    /// <summary>The API key sent with <c>--url</c> to an Api in shared mode (default: the RAGLAB_API_KEY environment variable).</summary>
    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "With --url: the API key for an Api in shared mode (default: $RAGLAB_API_KEY; create one with `raglab keys create`)",
        Recursive = true,
    };

    public Option<string?> DataDirectory { get; } = new("--data-dir")
    {
        Description = "In-process: the data directory shared with the Api (default: RagLab:DataDirectory, ./.raglab)",
        Recursive = true,
    };

    /// <summary>A fresh <c>--collection</c> option (each command owns its own instance).</summary>
    public static Option<string?> Collection(string description = "Collection (default: 'default')") => new("--collection", "-c") { Description = description };
}
