using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>
/// What training data must not contain so evaluation stays honest: the questions of the chosen eval sets and their source
/// chunks. An item's source is the chunk its <c>chunk:&lt;id&gt;</c> tag names (generated sets); an item without one draws on every
/// chunk of its relevant documents (ids or names).
/// </summary>
public sealed record EvalExclusion(IReadOnlyList<string> SetIds, IReadOnlyList<string> Questions, IReadOnlySet<string> ChunkIds, IReadOnlySet<string> DocumentKeys)
{
    public static readonly EvalExclusion None = new([], [], new HashSet<string>(), new HashSet<string>());

    /// <summary>The chosen sets, or (<paramref name="setIds"/> null) every set of the collection held out from training.</summary>
    /// <exception cref="ValidationException">A named set does not exist or belongs to another collection.</exception>
    public static async Task<EvalExclusion> LoadAsync(IEvalStore store, string collection, IReadOnlyList<string>? setIds, CancellationToken cancellationToken)
    {
        var sets = new List<EvalSet>();
        if (setIds is null)
        {
            sets.AddRange((await store.ListSetsAsync(collection, cancellationToken)).Where(s => s.HeldOutFromTraining));
        }
        else
        {
            foreach (var id in setIds.Distinct(StringComparer.Ordinal))
            {
                var set = await store.GetSetAsync(id, cancellationToken)
                    ?? throw new ValidationException($"No eval set with id '{id}' to exclude. List them with GET /api/evalsets.");
                if (set.Collection != collection)
                    throw new ValidationException($"Eval set '{set.Name}' (v{set.Version}) is over collection '{set.Collection}', not '{collection}'.");
                sets.Add(set);
            }
        }

        var questions = new List<string>();
        var chunks = new HashSet<string>(StringComparer.Ordinal);
        var documents = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in sets)
        {
            foreach (var item in await store.GetItemsAsync(set.Id, cancellationToken))
            {
                questions.Add(item.Question);
                var tagged = item.Tags.Where(t => t.StartsWith("chunk:", StringComparison.Ordinal)).Select(t => t["chunk:".Length..]).ToList();
                if (tagged.Count > 0) chunks.UnionWith(tagged);
                else documents.UnionWith(item.RelevantDocuments);
            }
        }
        return new([.. sets.Select(s => s.Id)], questions, chunks, documents);
    }

    /// <summary>Whether <paramref name="chunk"/> is a source of an excluded eval question.</summary>
    public bool Excludes(Chunk chunk) =>
        ChunkIds.Contains(chunk.Id) || DocumentKeys.Contains(chunk.DocumentId) || DocumentKeys.Contains(chunk.DocumentName);

    /// <summary>Whether <paramref name="question"/> repeats an excluded eval question (near-duplicates included).</summary>
    public bool RepeatsEvalQuestion(string question) => QuestionSimilarity.IsNearDuplicate(question, Questions);
}
