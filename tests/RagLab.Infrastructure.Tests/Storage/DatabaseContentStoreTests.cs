using RagLab.Core.Kernel;
using RagLab.Infrastructure.Storage;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class SqliteDatabaseContentStoreTests : DatabaseContentStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseContentStoreTests(PostgresServer server) : DatabaseContentStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(server);
}

/// <summary>Uploads kept in the system of record (how the lab stores them on Postgres), on both engines.</summary>
public abstract class DatabaseContentStoreTests : StoreTestBase
{
    private DatabaseContentStore _store = null!;

    protected override Task InitializeStoreAsync()
    {
        _store = new DatabaseContentStore(Engine.Database);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_upload_is_stored_once_under_its_sha256_and_read_back_from_another_process()
    {
        var first = await _store.PutAsync(new MemoryStream("hello"u8.ToArray()), 1024, "../../etc/passwd", default);
        var again = await _store.PutAsync(new MemoryStream("hello"u8.ToArray()), 1024, "copy.txt", default);

        Assert.Equal(("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", 5L), first);
        Assert.Equal(first, again);
        var other = new DatabaseContentStore(Engine.OpenAnother());
        await using var stream = await other.OpenAsync(first.Hash, default);
        Assert.Equal("hello", await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task Many_uploads_say_which_were_new_and_are_read_back_in_one_go()
    {
        var stored = await _store.PutManyAsync(["one"u8.ToArray(), "two"u8.ToArray()], default);
        var again = await _store.PutManyAsync(["two"u8.ToArray(), "three"u8.ToArray()], default);

        Assert.Equal([true, true], stored.Select(s => s.Created));
        Assert.Equal([false, true], again.Select(s => s.Created));
        var read = await _store.ReadPackedAsync([stored[0].Hash, again[1].Hash, new string('0', 64)], default);
        Assert.Equal(["one", "three"], new[] { stored[0].Hash, again[1].Hash }.Select(h => System.Text.Encoding.UTF8.GetString(read[h])));
        Assert.Equal(2, read.Count);
    }

    [Fact]
    public async Task Over_the_limit_throws_and_keeps_nothing()
    {
        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => _store.PutAsync(new MemoryStream(new byte[2048]), 1024, "big.bin", default));

        Assert.Contains("big.bin", error.Message);
        Assert.False(await _store.ExistsAsync(DocumentIds.ContentHash(new byte[2048]), default));
    }

    [Fact]
    public async Task A_deleted_upload_is_gone_and_opening_it_says_to_upload_again()
    {
        var (hash, _) = await _store.PutAsync(new MemoryStream("bye"u8.ToArray()), 1024, "bye.txt", default);
        Assert.True(await _store.ExistsAsync(hash, default));

        await _store.DeleteAsync(hash, default);

        Assert.False(await _store.ExistsAsync(hash, default));
        var error = await Assert.ThrowsAsync<NotFoundException>(() => _store.OpenAsync(hash, default));
        Assert.Contains("upload the document again", error.Message);
    }
}
