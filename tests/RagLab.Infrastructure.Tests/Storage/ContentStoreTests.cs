using System.Text;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class ContentStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "raglab-blobs-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Stores_under_the_sha256_of_the_content_never_the_file_name()
    {
        var store = new ContentStore(_root);
        var bytes = Encoding.UTF8.GetBytes("hello");
        var (hash, size) = await store.PutAsync(new MemoryStream(bytes), 1024, "../../etc/passwd", default);

        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", hash);
        Assert.Equal(5, size);
        var files = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal(Path.Combine(_root, "2c", hash), Assert.Single(files));
        await using var stream = await store.OpenAsync(hash, default);
        Assert.Equal("hello", await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task Identical_uploads_are_stored_once()
    {
        var store = new ContentStore(_root);
        var first = await store.PutAsync(new MemoryStream("same"u8.ToArray()), 1024, "a.txt", default);
        var second = await store.PutAsync(new MemoryStream("same"u8.ToArray()), 1024, "b.txt", default);
        Assert.Equal(first, second);
        Assert.Single(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Over_the_limit_throws_and_leaves_nothing_behind()
    {
        var store = new ContentStore(_root);
        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => store.PutAsync(new MemoryStream(new byte[2048]), 1024, "big.bin", default));
        Assert.Contains("big.bin", error.Message);
        Assert.Contains("1 KB", error.Message);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("ABCDEF")]
    public Task Hashes_that_are_not_sha256_are_refused(string hash) =>
        Assert.ThrowsAsync<ArgumentException>(() => new ContentStore(_root).OpenAsync(hash, default));
}
