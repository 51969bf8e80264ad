using RagLab.Core.Ingestion;
using Spectre.Console;
using RagLab.Core.Kernel;

namespace RagLab.Cli.Output;

/// <summary>Turns a failure into one red line on stderr and an exit code: 2 for usage errors, 130 for Ctrl+C, else 1.</summary>
public static class ErrorReporter
{
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;

    public static int Report(IAnsiConsole console, Exception exception)
    {
        var (code, message) = exception switch
        {
            CliUsageException => (Usage, exception.Message),
            OperationCanceledException => (Cancelled, "Cancelled."),
            ValidationException or NotFoundException or DependencyUnavailableException or ReembedRequiredException or DocumentParseException
                or Backends.LabApiException or NotSupportedException or InvalidDataException => (Failure, exception.Message),
            FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException => (Failure, exception.Message),
            // Anything else is a bug; the type helps a report, a stack trace would only bury the message.
            _ => (Failure, $"Unexpected {exception.GetType().Name}: {exception.Message}"),
        };
        Line(console, message);
        return code;
    }

    /// <summary>
    /// One red "error:" line. Written past Spectre's renderer, which would wrap it at the console width; newlines in the
    /// message are folded so it stays one line (greppable in logs).
    /// </summary>
    public static void Line(IAnsiConsole console, string message)
    {
        var text = "error: " + message.ReplaceLineEndings(" ").Trim();
        var capabilities = console.Profile.Capabilities;
        var colour = capabilities.Ansi && capabilities.ColorSystem != ColorSystem.NoColors;
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(colour ? $"\u001b[31m{text}\u001b[0m" : text);
        writer.Flush();
    }
}
