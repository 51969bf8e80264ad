using System.Diagnostics;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>Runs the trainer service's own tests (Trainer/tests, pytest) so <c>dotnet test</c> covers the Python side too.</summary>
public sealed class TrainerPythonTests
{
    [Fact]
    public async Task The_trainer_service_passes_its_pytest_suite()
    {
        var root = RepositoryRoot();
        var python = FindPythonWithPytest()
            ?? throw new InvalidOperationException("No python3 with pytest found: install Debian's python3-pytest (apt-get install python3-pytest); .ci/run does.");

        var start = new ProcessStartInfo(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", Path.Combine("Trainer", "tests")])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"pytest exited {process.ExitCode}:\n{await output}\n{await errors}");
        Assert.Matches(@"\d+ passed", await output);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (Directory.Exists(Path.Combine(directory.FullName, "Trainer", "raglab_trainer"))) return directory.FullName;
        throw new DirectoryNotFoundException("Trainer/raglab_trainer was not found above the test's folder.");
    }

    /// <summary>Debian's python3 first (where apt installs pytest), then whatever python3 is on PATH.</summary>
    private static string? FindPythonWithPytest()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-m", "pytest", "--version"]) { RedirectStandardOutput = true, RedirectStandardError = true });
                if (probe is null) continue;
                probe.WaitForExit(30_000);
                if (probe.HasExited && probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed there.
            }
        }
        return null;
    }
}
