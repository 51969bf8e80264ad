using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using RagLab.Infrastructure.Redis;
using RagLab.Core.Kernel;

namespace RagLab.Testing;

/// <summary>What kind of redis-server <see cref="RedisServerProcess"/> starts.</summary>
/// <param name="Password">Sets <c>requirepass</c> when not null.</param>
/// <param name="Tls">Serve TLS only, with a self-signed certificate for <c>localhost</c>/<c>127.0.0.1</c> made by openssl.</param>
/// <param name="Persistence">Keep RDB snapshots (off by default: tests want a clean, fast server).</param>
public sealed record RedisServerSettings(string? Password = null, bool Tls = false, bool Persistence = false);

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, in a temporary directory, for integration tests.
/// Requires Debian's redis-server (<c>apt-get install -y redis-server</c>); tests fail rather than skip without it.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly RedisServerSettings settings;
    private readonly string directory;
    private readonly string executable;
    private Process? process;

    private RedisServerProcess(RedisServerSettings settings, string executable, int port)
    {
        this.settings = settings;
        this.executable = executable;
        Port = port;
        directory = Directory.CreateTempSubdirectory("raglab-redis-").FullName;
    }

    public int Port { get; }

    public string Host => "127.0.0.1";

    /// <summary>StackExchange-style, as Aspire provides it: <c>127.0.0.1:PORT[,password=…][,ssl=true]</c>.</summary>
    public string ConnectionString =>
        $"{Host}:{Port}{(settings.Password is null ? "" : $",password={settings.Password}")}{(settings.Tls ? ",ssl=true" : "")}";

    /// <summary>The self-signed certificate the server presents when <see cref="RedisServerSettings.Tls"/> is on.</summary>
    public X509Certificate2? Certificate { get; private set; }

    /// <summary>
    /// Connection options that trust exactly this server's certificate, with generous timeouts because CI machines
    /// are often saturated.
    /// </summary>
    public RedisConnectionOptions ConnectionOptions => RedisConnectionOptions.Parse(ConnectionString) with
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        CommandTimeout = TimeSpan.FromSeconds(30),
        CertificateValidation = Certificate is null ? null : (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString(),
    };

    public bool IsRunning => process is { HasExited: false };

    public static async Task<RedisServerProcess> StartAsync(RedisServerSettings? settings = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        var server = new RedisServerProcess(settings ?? new RedisServerSettings(), executable, FreePort());
        try
        {
            if (server.settings.Tls) await server.CreateCertificateAsync(cancellationToken);
            await server.StartProcessAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server (like a crash: connections drop without a goodbye).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (process is null) return;
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync(cancellationToken);
        process.Dispose();
        process = null;
    }

    /// <summary>Stops and starts the server again on the same port, and waits until it answers PING.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartProcessAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch (InvalidOperationException) { }
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in Arguments()) start.ArgumentList.Add(arg);
        process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilReadyAsync(cancellationToken);
    }

    private IEnumerable<string> Arguments()
    {
        yield return "--bind"; yield return Host;
        yield return "--dir"; yield return directory;
        yield return "--logfile"; yield return Path.Combine(directory, "redis.log");
        yield return "--daemonize"; yield return "no";
        yield return "--protected-mode"; yield return "no";
        yield return "--appendonly"; yield return "no";
        if (!settings.Persistence) { yield return "--save"; yield return ""; }
        if (settings.Password is not null) { yield return "--requirepass"; yield return settings.Password; }
        if (settings.Tls)
        {
            yield return "--port"; yield return "0";
            yield return "--tls-port"; yield return Port.ToString();
            yield return "--tls-cert-file"; yield return Path.Combine(directory, "cert.pem");
            yield return "--tls-key-file"; yield return Path.Combine(directory, "key.pem");
            yield return "--tls-ca-cert-file"; yield return Path.Combine(directory, "cert.pem");
            yield return "--tls-auth-clients"; yield return "no";
        }
        else
        {
            yield return "--port"; yield return Port.ToString();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var options = ConnectionOptions with { ConnectTimeout = TimeSpan.FromSeconds(10), ClientName = null };
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process!.HasExited)
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}. Log:\n{ReadLog()}");
            try
            {
                await using var connection = await RespConnection.ConnectAsync(options, cancellationToken);
                var reply = await connection.SendAsync("PING", []).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                if (reply.AsString() == "PONG") return;
            }
            catch (RedisException exception)
            {
                last = exception; // LOADING or not listening yet
            }
            await Task.Delay(20, cancellationToken);
        }
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING ({last?.Message}). Log:\n{ReadLog()}");
    }

    private string ReadLog()
    {
        var log = Path.Combine(directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    private async Task CreateCertificateAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[]
                 {
                     "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                     "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                     "-keyout", "key.pem", "-out", "cert.pem",
                 })
            start.ArgumentList.Add(arg);
        using var openssl = Process.Start(start) ?? throw new InvalidOperationException("Could not start openssl.");
        var errors = openssl.StandardError.ReadToEndAsync(cancellationToken);
        await openssl.StandardOutput.ReadToEndAsync(cancellationToken);
        await openssl.WaitForExitAsync(cancellationToken);
        if (openssl.ExitCode != 0)
            throw new InvalidOperationException($"openssl could not create a test certificate: {await errors}");
        Certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, "cert.pem"));
    }

    private static string FindExecutable()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "redis-server"))
            .Append("/usr/bin/redis-server");
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException(
                   "redis-server is not installed, and the Redis tests need a real server. Install it with: apt-get install -y redis-server");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
