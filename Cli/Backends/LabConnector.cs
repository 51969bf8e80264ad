using System.CommandLine;

namespace RagLab.Cli.Backends;

/// <summary>
/// Chooses the back-end for a command: <c>--url</c> → <see cref="HttpLabClient"/> against that Api; otherwise
/// <see cref="LocalLabClient"/> in this process on <c>--data-dir</c> (or RagLab:DataDirectory, default ./.raglab).
/// </summary>
public sealed class LabConnector(CliContext context, GlobalOptions globals)
{
    public async Task<ILabClient> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (parseResult.GetValue(globals.Url) is { } url)
        {
            if (parseResult.GetValue(globals.DataDirectory) is not null)
                throw new CliUsageException("--data-dir applies only in-process; with --url the Api uses its own data directory.");
            var handler = context.HttpHandlerFactory?.Invoke() ?? new HttpClientHandler();
            var baseAddress = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
            var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
            var apiKey = parseResult.GetValue(globals.ApiKey) ?? context.Environment("RAGLAB_API_KEY");
            if (!string.IsNullOrWhiteSpace(apiKey)) http.DefaultRequestHeaders.Add("X-Api-Key", apiKey.Trim());
            return new HttpLabClient(http);
        }
        return await LocalLabClient.StartAsync(parseResult.GetValue(globals.DataDirectory), context.Settings, cancellationToken);
    }
}
