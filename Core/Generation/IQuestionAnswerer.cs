using RagLab.Core.Kernel;
namespace RagLab.Core.Generation;

/// <summary>Answers a question in any registered mode, through the cache, with citations and measurements.</summary>
public interface IQuestionAnswerer
{
    /// <summary>The registered mode names.</summary>
    IReadOnlyList<string> Modes { get; }

    /// <exception cref="ValidationException">Empty question, unknown mode or retriever, bad collection.</exception>
    /// <exception cref="DependencyUnavailableException">The mode needs a model or embeddings that are not connected.</exception>
    Task<AnswerResult> AskAsync(AskRequest request, CancellationToken cancellationToken);

    /// <summary>As <see cref="AskAsync"/>, yielding tokens as they arrive and the full result last.</summary>
    IAsyncEnumerable<AnswerEvent> AskStreamingAsync(AskRequest request, CancellationToken cancellationToken);
}
