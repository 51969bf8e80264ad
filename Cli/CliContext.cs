using Spectre.Console;

namespace RagLab.Cli;

/// <summary>
/// Where a raglab invocation writes and what it may be given from outside the command line. The process uses
/// <see cref="ForProcess"/>; tests build one around string writers, extra settings and an HTTP handler.
/// </summary>
public sealed class CliContext
{
    /// <summary>Results: tables, answers, reports.</summary>
    public required IAnsiConsole Out { get; init; }

    /// <summary>Errors and progress.</summary>
    public required IAnsiConsole Error { get; init; }

    /// <summary>Where help and parse errors of the command-line parser go.</summary>
    public required TextWriter HelpWriter { get; init; }

    /// <summary>Configuration applied to the in-process lab over the environment (e.g. <c>RagLab:Ollama:Endpoint</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Makes the handler for <c>--url</c> requests; null uses a plain <see cref="HttpClientHandler"/>.</summary>
    public Func<HttpMessageHandler>? HttpHandlerFactory { get; init; }

    /// <summary>Reads an environment variable (tests give their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>How often job progress is polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether Ctrl+C cancels the command (process only; tests leave the console's handlers alone).</summary>
    public bool HandleProcessTermination { get; init; } = true;

    /// <summary>
    /// Consoles on stdout and stderr. Colour follows NO_COLOR (Spectre honours it); redirected output gets no ANSI
    /// sequences and no live progress, so logs and pipes stay plain text.
    /// </summary>
    public static CliContext ForProcess() => new()
    {
        Out = CreateConsole(Console.Out, Console.IsOutputRedirected),
        Error = CreateConsole(Console.Error, Console.IsErrorRedirected),
        HelpWriter = Console.Out,
    };

    public static IAnsiConsole CreateConsole(TextWriter writer, bool redirected)
    {
        var noColor = !string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // A redirected stream has no width; keep tables readable instead of wrapping at 80 columns.
        if (redirected) console.Profile.Width = 160;
        return console;
    }
}
