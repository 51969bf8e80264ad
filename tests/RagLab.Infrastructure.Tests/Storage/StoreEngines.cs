using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Storage;

/// <summary>One Postgres server for every store test class that runs on Postgres (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>
/// A store test class runs once per engine: its abstract base holds the tests, and one small subclass per engine says where the
/// fresh database of each test comes from.
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    protected TestDatabase Engine { get; private set; } = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    /// <summary>Builds the store under test on <see cref="Engine"/>.</summary>
    protected abstract Task InitializeStoreAsync();

    public async Task InitializeAsync()
    {
        Engine = await CreateDatabaseAsync();
        await InitializeStoreAsync();
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}
