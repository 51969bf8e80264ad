namespace RagLab.AppHost.Resources;

/// <summary>
/// Debian's Postgres (<c>/usr/lib/postgresql/N/bin</c>) as a host executable, started through a small shell script that runs
/// <c>initdb</c> once and then <c>postgres</c> (as the <c>postgres</c> user when the AppHost runs as root: Postgres refuses root).
/// Same connection string as Aspire.Hosting.PostgreSQL: <c>Host=localhost;Port=PORT;Username=postgres;Password=PWD</c>.
/// </summary>
public sealed class PostgresExecutableResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "sh", workingDirectory), IResourceWithConnectionString
{
    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => field ??= new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={Password}");
}

/// <summary>The <c>raglab</c> database on <see cref="PostgresExecutableResource"/>: the server's connection string plus <c>;Database=raglab</c>.</summary>
public sealed class PostgresExecutableDatabaseResource(string name, string databaseName, PostgresExecutableResource parent)
    : Resource(name), IResourceWithParent<PostgresExecutableResource>, IResourceWithConnectionString
{
    public PostgresExecutableResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
