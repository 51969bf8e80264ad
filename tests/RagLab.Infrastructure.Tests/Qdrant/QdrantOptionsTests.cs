using RagLab.Infrastructure.Qdrant;

namespace RagLab.Infrastructure.Tests.Qdrant;

public sealed class QdrantOptionsTests
{
    [Fact]
    public void Aspire_connection_string_gives_endpoint_and_key()
    {
        var options = QdrantOptions.FromConnectionString("Endpoint=http://localhost:6333;Key=s3cret");

        Assert.Equal(new Uri("http://localhost:6333"), options.Endpoint);
        Assert.Equal("s3cret", options.ApiKey);
        Assert.Equal("raglab-", options.CollectionPrefix);
        Assert.Equal(128, options.BatchSize);
        Assert.Equal("dense", options.VectorName);
        Assert.Equal("bm25", options.SparseVectorName);
        Assert.Equal("raglab-docs", options.QdrantCollectionName("docs"));
    }

    [Fact]
    public void Key_is_optional()
    {
        var options = QdrantOptions.FromConnectionString("Endpoint=http://qdrant:6333");

        Assert.Null(options.ApiKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Key=abc")]
    [InlineData("Endpoint=localhost:6333")]
    [InlineData("Endpoint=ftp://localhost:6333")]
    [InlineData("Endpoint=\"http://x;Key")]
    public void Malformed_connection_string_says_what_is_expected(string connectionString)
    {
        var error = Assert.Throws<ArgumentException>(() => QdrantOptions.FromConnectionString(connectionString));

        Assert.Contains("Endpoint=http://localhost:6333;Key=", error.Message);
    }
}
