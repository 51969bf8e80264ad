using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>
/// Turns a generated question into a training example, as RAFT (Zhang et al. 2024) composes them. Closed-book: the <c>base</c>
/// prompt and the answer. RAFT: the <c>rag</c> prompt over a context of k+1 chunks; with probability P they are the oracle and k
/// distractors from other documents and the target cites the oracle and quotes its evidence, otherwise k+1 distractors and the
/// target is the bare answer (so the model also learns the fact, not only to copy). The prompts are the ones the
/// <c>finetuned</c> and <c>hybrid</c> modes send, so the model trains on exactly what it is asked later.
/// </summary>
public sealed class RaftComposer(BasePromptBuilder basePrompts, RagPromptBuilder ragPrompts)
{
    public TrainingExample ClosedBook(GeneratedQuestion generated, Chunk oracle) =>
        new([.. Turns(basePrompts.Build(generated.Question)), new ChatTurn(ChatTurn.Assistant, generated.Answer.Trim())],
            new ExampleOrigin(oracle.Id, oracle.DocumentId));

    /// <param name="distractorPool">Candidate distractors; chunks of the oracle's own document are never used.</param>
    public TrainingExample Raft(GeneratedQuestion generated, Chunk oracle, IReadOnlyList<Chunk> distractorPool, int distractors, double oracleProbability, Random random)
    {
        var includeOracle = random.NextDouble() < oracleProbability;
        var others = distractorPool.Where(c => c.DocumentId != oracle.DocumentId).ToArray();
        random.Shuffle(others);
        var context = others.Take(includeOracle ? distractors : distractors + 1).ToList();
        if (includeOracle) context.Insert(random.Next(context.Count + 1), oracle);

        var hits = context.Select((chunk, i) => new RetrievalHit(i + 1, 0, chunk)).ToList();
        string target;
        if (includeOracle)
        {
            var marker = $"[{context.IndexOf(oracle) + 1}]";
            target = $"{generated.Answer.Trim()} {marker}\n\nEvidence: \"{generated.Evidence.Trim()}\" {marker}";
        }
        else
        {
            target = generated.Answer.Trim();
        }
        return new([.. Turns(ragPrompts.Build(generated.Question, hits)), new ChatTurn(ChatTurn.Assistant, target)],
            new ExampleOrigin(oracle.Id, oracle.DocumentId, includeOracle, [.. context.Select(c => c.Id)], [.. context.Select(c => c.DocumentId)]));
    }

    private static IEnumerable<ChatTurn> Turns(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages) =>
        messages.Select(m => new ChatTurn(m.Role.Value, m.Text));
}
