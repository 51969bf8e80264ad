using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

internal static class TestChunks
{
    public static Chunk Make(string id, string text, string collection = "c", string? documentId = null) =>
        new(id, documentId ?? "doc-" + id, "name-" + id, collection, 0, "", text, 0, text.Length);
}
