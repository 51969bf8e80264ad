using Microsoft.Extensions.AI;
using RagLab.Core.Evaluation.Llm;
using RagLab.Core.Ingestion;
using RagLab.Core.Storage;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>
/// Writes an eval set with an LLM: samples chunks of a collection (deterministically for a seed), asks the model for a
/// question the chunk answers plus a short answer, labels the chunk's document as the relevant one, drops near-duplicate
/// questions, and marks the set held out from training (so fine-tuning never learns its own test).
/// </summary>
public sealed class EvalSetGenerator(IChatClient? chatClient, IDocumentStore documents)
{
    /// <exception cref="ValidationException">Bad request values, or the collection has no usable chunks.</exception>
    /// <exception cref="DependencyUnavailableException">No chat model is connected, or it produced no usable question.</exception>
    public async Task<EvalSetDraft> GenerateAsync(EvalSetGenerationRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw new ValidationException("Give the generated eval set a name.");
        if (request.Count is < 1 or > 1000) throw new ValidationException($"Count must be between 1 and 1000 (got {request.Count}).");
        if (request.DuplicateThreshold is <= 0 or > 1) throw new ValidationException("DuplicateThreshold must be in (0, 1].");
        var collection = CollectionName.Normalize(request.Collection);
        if (chatClient is null)
            throw new DependencyUnavailableException("Generating questions needs a chat model: connect a model server (e.g. Ollama) or import a JSONL eval set instead.");

        var candidates = await SampleChunksAsync(collection, request, cancellationToken);
        var items = new List<EvalItem>();
        // Try up to three chunks per wanted question, so failed or duplicate generations can be replaced.
        foreach (var chunk in candidates.Take(request.Count * 3))
        {
            if (items.Count == request.Count) break;
            var generated = await AskForQuestionAsync(chunk, cancellationToken);
            if (generated is null) continue;
            if (QuestionSimilarity.IsNearDuplicate(generated.Value.Question, items.Select(i => i.Question), request.DuplicateThreshold)) continue;
            items.Add(new EvalItem($"g{items.Count + 1}", generated.Value.Question, generated.Value.Answer, [chunk.DocumentId], ["generated", $"chunk:{chunk.Id}"]));
        }

        if (items.Count == 0)
            throw new DependencyUnavailableException("The chat model returned no usable question (it must reply with JSON like {\"question\": \"...\", \"answer\": \"...\"}). Try a larger model.");
        return new EvalSetDraft(request.Name.Trim(), collection, EvalSetSource.Generated, HeldOutFromTraining: true, items);
    }

    private async Task<IReadOnlyList<Chunk>> SampleChunksAsync(string collection, EvalSetGenerationRequest request, CancellationToken cancellationToken)
    {
        var chunks = new List<Chunk>();
        await foreach (var (chunk, _) in documents.ReadAllChunksAsync(collection, cancellationToken))
        {
            if (chunk.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length >= request.MinChunkWords) chunks.Add(chunk);
        }
        if (chunks.Count == 0)
            throw new ValidationException($"Collection '{collection}' has no chunks of at least {request.MinChunkWords} words to write questions from; ingest documents first.");

        // Sort first: the store's order is not guaranteed, and the same seed must pick the same chunks.
        chunks.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        var shuffled = chunks.ToArray();
        new Random(request.Seed).Shuffle(shuffled);
        return shuffled;
    }

    private async Task<(string Question, string Answer)?> AskForQuestionAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        var prompt = $$"""
            Write one question that the passage below answers, as a user of these documents would ask it, and its short answer
            (a few words, taken from the passage). The question must make sense without seeing the passage.
            Reply with JSON only: {"question": "...", "answer": "..."}

            Passage (from "{{chunk.DocumentName}}"):
            {{chunk.Text}}
            """;
        var reply = await chatClient!.GetResponseAsync(prompt, cancellationToken: cancellationToken);
        if (LlmJson.Extract(reply.Text) is not { } json) return null;
        var question = LlmJson.String(json, "question")?.Trim();
        var answer = LlmJson.String(json, "answer")?.Trim();
        if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer)) return null;
        return (question, answer);
    }
}
