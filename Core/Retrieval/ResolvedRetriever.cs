namespace RagLab.Core.Retrieval;

/// <summary>The retriever a request runs with, and what the user should be told about the choice.</summary>
/// <param name="Retriever">The retriever actually used; its name is what answers, searches and eval records report.</param>
/// <param name="Warning">Why the default was not the usual one (a collection that needs a re-embed fell back to bm25), or null.</param>
public sealed record ResolvedRetriever(IRetriever Retriever, string? Warning = null)
{
    public string Name => Retriever.Name;
}
