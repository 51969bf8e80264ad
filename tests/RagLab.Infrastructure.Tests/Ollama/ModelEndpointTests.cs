using RagLab.Infrastructure.Ollama;

namespace RagLab.Infrastructure.Tests.Ollama;

public sealed class ModelEndpointTests
{
    [Fact]
    public void Parses_an_Aspire_model_connection_string()
    {
        var endpoint = ModelEndpoint.Parse("Endpoint=http://localhost:51234;Model=llama3.2:1b");

        Assert.Equal(new Uri("http://localhost:51234"), endpoint.Endpoint);
        Assert.Equal("llama3.2:1b", endpoint.Model);
    }

    [Fact]
    public void Keys_are_case_insensitive_and_unknown_keys_are_ignored()
    {
        var endpoint = ModelEndpoint.Parse("model=all-minilm; endpoint=https://ollama.internal:443/ ;Extra=1");

        Assert.Equal("all-minilm", endpoint.Model);
        Assert.Equal("ollama.internal", endpoint.Endpoint.Host);
    }

    [Theory]
    [InlineData("Model=llama3.2", "no Endpoint")]
    [InlineData("Endpoint=http://localhost:11434", "no Model")]
    [InlineData("Endpoint=localhost:11434;Model=x", "not an absolute http")]
    [InlineData("Endpoint=ftp://host;Model=x", "not an absolute http")]
    [InlineData("Endpoint='http://localhost:11434;Model=x", "malformed")]
    [InlineData("http://localhost:11434", "malformed")]
    public void A_malformed_string_fails_with_a_message_saying_what_is_expected(string connectionString, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ModelEndpoint.Parse(connectionString));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Options_prefer_the_connection_string_and_fall_back_to_their_own_endpoint_and_models()
    {
        var options = new OllamaOptions();

        Assert.Equal(ModelEndpoint.Create("http://localhost:11434", "qwen2.5:1.5b"), options.ResolveChat(null));
        Assert.Equal(ModelEndpoint.Create("http://localhost:11434", "all-minilm"), options.ResolveEmbeddings(""));
        Assert.Equal("nomic-embed-text", options.ResolveEmbeddings("Endpoint=http://localhost:9999;Model=nomic-embed-text").Model);
    }

    [Fact]
    public void Option_defaults_match_the_documented_ones()
    {
        var options = new OllamaOptions();

        Assert.Equal(TimeSpan.FromMinutes(5), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ProbeInterval);
        Assert.False(options.PullMissingModels);
        Assert.Equal("RagLab:Ollama", OllamaOptions.SectionName);
    }
}
