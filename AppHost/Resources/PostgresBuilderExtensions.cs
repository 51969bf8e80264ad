using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace RagLab.AppHost.Resources;

public static class PostgresExecutableBuilderExtensions
{
    // initdb once (password from a file, scram-sha-256), create the databases in single-user mode, then serve on 127.0.0.1 only,
    // without a Unix socket (its path may exceed 107 bytes). Postgres refuses root: as root, run both as the postgres user.
    // Its log goes to stdout: on stderr the dashboard would show every line as an error.
    private const string StartScript = """
        set -eu
        bin="$1"; data="$2"; port="$3"; pwfile="$4"; shift 4
        as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
        mkdir -p "$data"
        if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$data"; fi
        chmod 700 "$data"
        if [ ! -s "$data/cluster/PG_VERSION" ]; then
          as_postgres sh -c 'umask 077; cat > "$1"' sh "$data/initdb.pw" < "$pwfile"
          as_postgres "$bin/initdb" -D "$data/cluster" -U postgres -A scram-sha-256 --pwfile="$data/initdb.pw" -E UTF8 --locale=C > "$data/initdb.log"
          rm -f "$data/initdb.pw"
          for db in "$@"; do echo "CREATE DATABASE \"$db\";" | as_postgres "$bin/postgres" --single -D "$data/cluster" postgres > /dev/null; done
        fi
        if [ "$(id -u)" = 0 ]; then
          exec runuser -u postgres -- "$bin/postgres" -D "$data/cluster" -h 127.0.0.1 -p "$port" -c unix_socket_directories= 2>&1
        fi
        exec "$bin/postgres" -D "$data/cluster" -h 127.0.0.1 -p "$port" -c unix_socket_directories= 2>&1
        """;

    /// <summary>
    /// Postgres from <paramref name="binDirectory"/> (Debian: <c>/usr/lib/postgresql/15/bin</c>), its cluster in <paramref name="dataDirectory"/>.
    /// The password is generated once and kept beside the cluster, since initdb fixed it.
    /// </summary>
    public static IResourceBuilder<PostgresExecutableResource> AddPostgresExecutable(this IDistributedApplicationBuilder builder, string name, string binDirectory, string dataDirectory)
    {
        var passwordFile = dataDirectory + ".password";
        var password = builder.AddParameter($"{name}-password", () => ReadOrCreatePassword(passwordFile), secret: true);
        var postgres = new PostgresExecutableResource(name, builder.AppHostDirectory, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(postgres, async (_, cancellationToken) =>
            connectionString = await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name} has no port yet"), name: healthKey);

        return builder.AddResource(postgres)
            .WithEndpoint(name: "tcp", scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("-c"); context.Args.Add(StartScript); context.Args.Add("sh");
                context.Args.Add(binDirectory);
                context.Args.Add(dataDirectory);
                context.Args.Add(postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add(passwordFile);
                foreach (var database in context.Resource.Annotations.OfType<PostgresDatabaseAnnotation>()) context.Args.Add(database.DatabaseName);
            })
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }

    /// <summary>A database created with the cluster; healthy once it accepts connections.</summary>
    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(this IResourceBuilder<PostgresExecutableResource> server, string name, string databaseName)
    {
        var builder = server.ApplicationBuilder;
        server.WithAnnotation(new PostgresDatabaseAnnotation(databaseName));
        var database = new PostgresExecutableDatabaseResource(name, databaseName, server.Resource);

        string? connectionString = null;
        var healthKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name} is not up yet"), name: healthKey);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (e, cancellationToken) =>
        {
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken);
            // A child of an executable gets no state from its parent: say it is running, so its health check starts.
            await e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
            });
        });
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, databaseName)],
            })
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }

    private static string ReadOrCreatePassword(string file)
    {
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(file, password);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }

    private sealed record PostgresDatabaseAnnotation(string DatabaseName) : IResourceAnnotation;
}
