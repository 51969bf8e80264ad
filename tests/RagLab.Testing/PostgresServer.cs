using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace RagLab.Testing;

/// <summary>
/// A real Postgres (Debian's <c>/usr/lib/postgresql/N/bin</c>) on a free loopback port, its cluster in a temporary directory,
/// started once per test collection (<c>ICollectionFixture&lt;PostgresServer&gt;</c>); each test takes a fresh database from
/// <see cref="CreateDatabaseAsync"/>. Postgres refuses to run as root, so as root it runs as the <c>postgres</c> user, as the
/// AppHost's executable resource does. Tests fail rather than skip without it: <c>apt-get install -y postgresql</c>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _directory = null!;
    private string _bin = null!;
    private int _databases;

    public int Port { get; private set; }

    /// <summary>The cluster's own <c>postgres</c> database (trust authentication on 127.0.0.1: the server is the test's alone).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true }.ToString();

    public async Task InitializeAsync()
    {
        _bin = FindBin();
        Port = FreePort();
        _directory = Directory.CreateTempSubdirectory("raglab-postgres-").FullName;
        var data = Path.Combine(_directory, "cluster");
        if (IsRoot)
        {
            // The postgres user must reach the folder, and own the cluster's.
            File.SetUnixFileMode(_directory, (UnixFileMode)0b111_101_101);
            await RunAsync("chown", ["postgres:postgres", _directory]);
        }
        // fsync off: a test cluster need not survive a power cut, and initdb and every commit get much faster.
        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "120", "start",
            "-o", $"-h 127.0.0.1 -p {Port} -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        ]);
    }

    /// <summary>A new empty database, its connection string returned.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (_directory is null) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "cluster"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Not running (it failed to start): nothing to stop.
        }
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatformGuard("windows")]
    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private Task RunAsPostgresAsync(string program, IReadOnlyList<string> arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl start leaves the server holding its output: read to the end only once it exited.
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_directory, "postgres.log");
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: " +
                $"{await errors}{await output}{(File.Exists(log) ? "\n" + await File.ReadAllTextAsync(log) : "")}");
        }
    }

    private static string FindBin()
    {
        const string debianRoot = "/usr/lib/postgresql";
        var bin = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(version => Path.Combine(version, "bin"))
                .Where(candidate => File.Exists(Path.Combine(candidate, "initdb")))
                .OrderByDescending(candidate => int.TryParse(Path.GetFileName(Path.GetDirectoryName(candidate)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "Postgres is not installed, and the store tests need a real server. Install it with: apt-get install -y postgresql");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
