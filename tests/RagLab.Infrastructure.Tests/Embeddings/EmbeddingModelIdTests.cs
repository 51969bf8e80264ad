using RagLab.Infrastructure.Embeddings;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Embeddings;

public sealed class EmbeddingModelIdTests
{
    [Theory]
    [InlineData("all-minilm")]
    [InlineData("all-minilm:latest")]
    [InlineData("all-minilm:22m")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    public void Ollama_and_hugging_face_names_of_minilm_l6_are_the_bundled_model(string name) =>
        Assert.True(EmbeddingModelId.SameModel(name, EmbeddedModel.MiniLm.ModelId));

    [Theory]
    [InlineData("all-minilm:33m")]
    [InlineData("nomic-embed-text")]
    [InlineData("snowflake-arctic-embed-xs")]
    public void Other_models_are_not_the_same(string name) =>
        Assert.False(EmbeddingModelId.SameModel(name, EmbeddedModel.MiniLm.ModelId));

    [Fact]
    public void Configuration_picks_the_model_or_none_and_rejects_unknown_names()
    {
        Assert.Same(EmbeddedModel.MiniLm, EmbeddedModel.FromKey(null));
        Assert.Same(EmbeddedModel.ArcticXs, EmbeddedModel.FromKey("Arctic-XS"));
        Assert.Null(EmbeddedModel.FromKey("off"));
        var error = Assert.Throws<ArgumentException>(() => EmbeddedModel.FromKey("bge"));
        Assert.Contains("minilm, arctic-xs, off", error.Message);
    }
}
