using System.Runtime.CompilerServices;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation.Fakes;

/// <summary>Answers with a scripted function and records every request it saw.</summary>
public sealed class FakeQuestionAnswerer(IReadOnlyList<string> modes, Func<AskRequest, AnswerResult> answer) : IQuestionAnswerer
{
    private readonly List<AskRequest> _requests = [];

    public IReadOnlyList<string> Modes => modes;

    public IReadOnlyList<AskRequest> Requests { get { lock (_requests) return _requests.ToArray(); } }

    /// <summary>When set, the call with this 1-based number throws, simulating a crash mid-run.</summary>
    public int? CrashOnCall { get; set; }

    public Task<AnswerResult> AskAsync(AskRequest request, CancellationToken cancellationToken) => Task.FromResult(Answer(request));

    public async IAsyncEnumerable<AnswerEvent> AskStreamingAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var result = Answer(request);
        await Task.Yield();
        yield return new AnswerEvent.Token(result.Answer);
        yield return new AnswerEvent.Completed(result);
    }

    private AnswerResult Answer(AskRequest request)
    {
        int count;
        lock (_requests)
        {
            _requests.Add(request);
            count = _requests.Count;
        }
        if (CrashOnCall == count) throw new OperationCanceledException("simulated crash");
        return answer(request);
    }

    public static AnswerResult Result(string text, string mode, IReadOnlyList<Citation>? citations = null, IReadOnlyList<string>? retrieved = null, string? retriever = null) =>
        new(text, mode, "fake-model", false, citations ?? [], false, new AnswerTimings(retrieved is null ? 0 : 20, 100, 130), new TokenUsage(retrieved is null ? 50 : 400, 20), retriever, retrieved ?? []);
}
