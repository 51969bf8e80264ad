using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace RagLab.AppHost.Stack;

/// <summary>
/// The servers installed on this machine, for when no container engine answers. Found on <c>PATH</c> (read from the AppHost's
/// configuration, so <c>--PATH=…</c> overrides it) and, for Postgres, in Debian's <c>/usr/lib/postgresql/N/bin</c>.
/// <c>RagLab:Tools:RedisServer</c>, <c>:PostgresBin</c>, <c>:Ollama</c>, <c>:Qdrant</c> name them explicitly.
/// </summary>
public sealed record HostTools(string? RedisServer, string? PostgresBin, string? Ollama, string? Qdrant)
{
    public static HostTools Find(IConfiguration configuration)
    {
        var path = configuration["PATH"] ?? Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new(
            configuration["RagLab:Tools:RedisServer"] ?? Which("redis-server", directories),
            configuration["RagLab:Tools:PostgresBin"] ?? FindPostgresBin(configuration["RagLab:Tools:PostgresRoot"] ?? "/usr/lib/postgresql", directories),
            configuration["RagLab:Tools:Ollama"] ?? Which("ollama", directories),
            configuration["RagLab:Tools:Qdrant"] ?? Which("qdrant", directories));
    }

    private static string? Which(string command, IEnumerable<string> directories) =>
        directories.Select(d => Path.Combine(d, command)).FirstOrDefault(IsExecutable);

    /// <summary>Debian installs server binaries off PATH, one folder per major version: take the newest with both initdb and postgres.</summary>
    private static string? FindPostgresBin(string debianRoot, IEnumerable<string> directories)
    {
        var debian = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
            : [];
        return debian.Concat(directories).FirstOrDefault(d => IsExecutable(Path.Combine(d, "postgres")) && IsExecutable(Path.Combine(d, "initdb")));
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>True when <paramref name="command"/> runs and exits 0 within <paramref name="timeout"/> (e.g. <c>docker info</c>, <c>nvidia-smi</c>).</summary>
    public static bool Answers(string command, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        try
        {
            var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null) return false;
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
