using RagLab.Infrastructure.Embeddings;

namespace RagLab.Infrastructure.Tests.Embeddings;

/// <summary>Loads the bundled all-MiniLM-L6-v2 once for a test class (about a second and 90 MB).</summary>
public sealed class BundledMiniLmFixture : IDisposable
{
    public OnnxEmbeddingGenerator Generator { get; } = new(EmbeddedModel.MiniLm);

    public BundledMiniLmFixture() => Generator.EnsureLoaded();

    public void Dispose() => Generator.Dispose();
}
