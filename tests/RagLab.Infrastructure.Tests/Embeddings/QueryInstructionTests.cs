using System.Numerics.Tensors;
using RagLab.Core.Caching;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Embeddings;

namespace RagLab.Infrastructure.Tests.Embeddings;

/// <summary>
/// snowflake-arctic-embed-xs is trained with an instruction before each search query and none before passages;
/// all-MiniLM-L6-v2 has none. Query embeddings follow each model's recipe.
/// </summary>
public sealed class QueryInstructionTests
{
    private const string Question = "What lowers blood pressure?";

    [Fact]
    public async Task Arctic_queries_carry_the_model_instruction_and_passages_do_not()
    {
        using var arctic = new OnnxEmbeddingGenerator(EmbeddedModel.ArcticXs);

        var asQuery = (await arctic.GenerateAsync([Question], EmbeddingInputKind.QueryOptions()))[0].Vector;
        var asPassage = (await arctic.GenerateAsync([Question]))[0].Vector;
        var withInstruction = (await arctic.GenerateAsync([EmbeddedModel.ArcticXs.QueryPrefix + Question]))[0].Vector;

        Assert.True(TensorPrimitives.CosineSimilarity(asQuery.Span, withInstruction.Span) > 0.9999f);
        Assert.True(TensorPrimitives.CosineSimilarity(asQuery.Span, asPassage.Span) < 0.99f);
    }

    [Fact]
    public async Task Minilm_embeds_a_query_as_it_embeds_a_passage()
    {
        using var minilm = new OnnxEmbeddingGenerator(EmbeddedModel.MiniLm);

        var asQuery = (await minilm.GenerateAsync([Question], EmbeddingInputKind.QueryOptions()))[0].Vector;
        var asPassage = (await minilm.GenerateAsync([Question]))[0].Vector;

        Assert.Equal(asPassage.ToArray(), asQuery.ToArray());
    }

    [Fact]
    public async Task The_embedding_cache_keeps_query_and_passage_vectors_apart()
    {
        using var arctic = new OnnxEmbeddingGenerator(EmbeddedModel.ArcticXs);
        var cached = new CachingEmbeddingGenerator(arctic, new MemoryEmbeddingCache());

        var passage = (await cached.GenerateAsync([Question]))[0].Vector;
        var query = (await cached.GenerateAsync([Question], EmbeddingInputKind.QueryOptions()))[0].Vector;
        var direct = (await arctic.GenerateAsync([Question], EmbeddingInputKind.QueryOptions()))[0].Vector;

        Assert.Equal(direct.ToArray(), query.ToArray());
        Assert.NotEqual(passage.ToArray(), query.ToArray());
    }
}
