using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagLab.Infrastructure.Embeddings;

namespace RagLab.Infrastructure.Tests.Embeddings;

/// <summary>The bundled all-MiniLM-L6-v2, run in-process on its real weights.</summary>
public sealed class OnnxEmbeddingGeneratorTests(BundledMiniLmFixture fixture) : IClassFixture<BundledMiniLmFixture>
{
    private readonly OnnxEmbeddingGenerator _generator = fixture.Generator;

    [Theory]
    [InlineData("How do I get my money back?", "Refunds are accepted within 30 days of purchase.", "The cathedral was built in the twelfth century.")]
    [InlineData("A man is playing a guitar.", "Someone strums a guitar on stage.", "A chef is slicing onions in the kitchen.")]
    [InlineData("What lowers blood pressure?", "Reducing salt intake decreases hypertension.", "The stock market closed higher on Friday.")]
    public async Task Ranks_the_related_sentence_above_the_unrelated_one(string anchor, string related, string unrelated)
    {
        var vectors = await _generator.GenerateAsync([anchor, related, unrelated]);

        var toRelated = TensorPrimitives.Dot(vectors[0].Vector.Span, vectors[1].Vector.Span);
        var toUnrelated = TensorPrimitives.Dot(vectors[0].Vector.Span, vectors[2].Vector.Span);
        Assert.True(toRelated > toUnrelated + 0.2f, $"related {toRelated:F3}, unrelated {toUnrelated:F3}");
    }

    [Fact]
    public async Task Vectors_have_the_model_width_unit_length_and_the_model_id()
    {
        var vectors = await _generator.GenerateAsync(["Refunds are accepted within 30 days.", "x", ""]);

        Assert.All(vectors, v =>
        {
            Assert.Equal(384, v.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(v.Vector.Span), 1e-4f);
            Assert.Equal("all-MiniLM-L6-v2", v.ModelId);
        });
    }

    [Fact]
    public async Task The_same_text_gives_the_same_vector()
    {
        var first = await _generator.GenerateVectorAsync("Deterministic embeddings make stored vectors reusable.");
        var second = await _generator.GenerateVectorAsync("Deterministic embeddings make stored vectors reusable.");

        Assert.Equal(first.ToArray(), second.ToArray());
    }

    [Fact]
    public async Task Batched_and_single_calls_agree_and_keep_the_input_order()
    {
        string[] texts =
        [
            "A long passage about refunds: customers may return goods within thirty days of purchase, with the receipt, for a full refund to the original card.",
            "Short one.",
            "Medium length sentence about shipping times and costs.",
            "Another short text",
        ];

        var batched = await _generator.GenerateAsync(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var single = await _generator.GenerateVectorAsync(texts[i]);
            var cosine = TensorPrimitives.CosineSimilarity(single.Span, batched[i].Vector.Span);
            Assert.True(cosine >= 0.9999f, $"text {i}: cosine {cosine}");
        }
    }

    [Fact]
    public async Task Text_beyond_256_word_pieces_is_cut()
    {
        var head = string.Join(' ', Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? "refund" : "policy"));
        var withDifferentTail = head + " " + string.Join(' ', Enumerable.Repeat("volcano eruption lava", 100));

        Assert.Equal(256, _generator.Tokenize(withDifferentTail).Count);
        Assert.Equal(256, _generator.Tokenize(head).Count);
        // Whatever follows the first 254 word pieces is never seen by the model.
        var vectors = await _generator.GenerateAsync([head, withDifferentTail]);
        Assert.Equal(vectors[0].Vector.ToArray(), vectors[1].Vector.ToArray());
    }

    [Fact]
    public void Tokenizes_uncased_wordpiece_with_cls_and_sep()
    {
        var lower = _generator.Tokenize("Refunds are accepted");
        var upper = _generator.Tokenize("REFUNDS ARE ACCEPTED");

        Assert.Equal(lower, upper);
        Assert.Equal(101, lower[0]);
        Assert.Equal(102, lower[^1]);
    }
}
