using System.Data.Common;
using Npgsql;

namespace RagLab.Infrastructure.Storage;

/// <summary>
/// A Postgres database as the system of record (<c>ConnectionStrings:db</c>; under the AppHost, the <c>raglab</c> database).
/// Connections come from the pooled <see cref="NpgsqlDataSource"/> that Aspire.Npgsql registers (tracing, metrics, health check).
/// </summary>
public sealed class PostgresDatabase(NpgsqlDataSource dataSource) : SqlDatabase
{
    public override SqlDialect Dialect => SqlDialect.Postgres;

    public override string Location
    {
        get
        {
            var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            return $"{settings.Host}:{settings.Port}/{settings.Database}";
        }
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);
}
