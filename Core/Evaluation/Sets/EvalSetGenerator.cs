using Microsoft.Extensions.AI;
using RagLab.Core.Evaluation.Llm;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>
/// Writes an eval set with an LLM: samples chunks of a collection (deterministically for a seed), asks the model for a
/// question the chunk answers plus a short answer, labels the chunk's document as the relevant one, drops near-duplicate
/// questions, and marks the set held out from training (so fine-tuning never learns its own test).
/// </summary>
public sealed class EvalSetGenerator
{
    /// <summary>The message when no chat model is connected.</summary>
    public const string NoModelMessage = "Generating questions needs a chat model: connect a model server (e.g. start Ollama and run `ollama pull qwen2.5:1.5b`) or import a JSONL eval set instead.";

    private readonly Func<CancellationToken, ValueTask<IChatClient?>> _chat;
    private readonly IDocumentStore _documents;

    /// <param name="chatClient">The model that writes the questions; null fails every generation with a clear message.</param>
    public EvalSetGenerator(IChatClient? chatClient, IDocumentStore documents)
    {
        _chat = _ => ValueTask.FromResult(chatClient);
        _documents = documents;
    }

    /// <summary>Asks <paramref name="models"/> for the chat model at each generation, so a server that comes up later is used.</summary>
    public EvalSetGenerator(IModelProvider models, IDocumentStore documents)
    {
        _chat = models.GetChatClientAsync;
        _documents = documents;
    }

    /// <exception cref="ValidationException">Bad request values.</exception>
    public static void Validate(EvalSetGenerationRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw new ValidationException("Give the generated eval set a name.");
        if (request.Count is < 1 or > 1000) throw new ValidationException($"Count must be between 1 and 1000 (got {request.Count}).");
        if (request.DuplicateThreshold is <= 0 or > 1) throw new ValidationException("DuplicateThreshold must be in (0, 1].");
        if (request.MinChunkWords < 0) throw new ValidationException("MinChunkWords must not be negative.");
        CollectionName.Normalize(request.Collection);
    }

    /// <exception cref="ValidationException">Bad request values, or the collection has no usable chunks.</exception>
    /// <exception cref="DependencyUnavailableException">No chat model is connected, or it produced no usable question.</exception>
    public Task<EvalSetDraft> GenerateAsync(EvalSetGenerationRequest request, CancellationToken cancellationToken) =>
        GenerateAsync(request, null, cancellationToken);

    /// <param name="progress">Told after each chunk tried: the share of the wanted questions written so far.</param>
    public async Task<EvalSetDraft> GenerateAsync(EvalSetGenerationRequest request, IJobProgress? progress, CancellationToken cancellationToken)
    {
        Validate(request);
        var collection = CollectionName.Normalize(request.Collection);
        var chatClient = await _chat(cancellationToken) ?? throw new DependencyUnavailableException(NoModelMessage);

        var candidates = await SampleChunksAsync(collection, request, cancellationToken);
        var items = new List<EvalItem>();
        var tried = 0;
        // Try up to three chunks per wanted question, so failed or duplicate generations can be replaced.
        foreach (var chunk in candidates.Take(request.Count * 3))
        {
            if (items.Count == request.Count) break;
            tried++;
            var generated = await AskForQuestionAsync(chatClient, chunk, cancellationToken);
            if (generated is not null && !QuestionSimilarity.IsNearDuplicate(generated.Value.Question, items.Select(i => i.Question), request.DuplicateThreshold))
                items.Add(new EvalItem($"g{items.Count + 1}", generated.Value.Question, generated.Value.Answer, [chunk.DocumentId], ["generated", $"chunk:{chunk.Id}"]));
            if (progress is not null)
                await progress.ReportAsync((double)items.Count / request.Count, $"{items.Count} of {request.Count} questions written ({tried} passages tried)", cancellationToken);
        }

        if (items.Count == 0)
            throw new DependencyUnavailableException("The chat model returned no usable question (it must reply with JSON like {\"question\": \"...\", \"answer\": \"...\"}). Try a larger model.");
        return new EvalSetDraft(request.Name.Trim(), collection, EvalSetSource.Generated, HeldOutFromTraining: true, items);
    }

    private async Task<IReadOnlyList<Chunk>> SampleChunksAsync(string collection, EvalSetGenerationRequest request, CancellationToken cancellationToken)
    {
        var chunks = new List<Chunk>();
        var scope = ReaderScopeKeys.FromGroupList(request.ReaderGroups);
        await foreach (var (chunk, _) in _documents.ReadAllChunksAsync(collection, cancellationToken))
        {
            if (!scope.CanRead(chunk.Groups)) continue; // questions come only from what the asker may read
            if (chunk.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length >= request.MinChunkWords) chunks.Add(chunk);
        }
        if (chunks.Count == 0)
            throw new ValidationException($"Collection '{collection}' has no chunks (that you may read) of at least {request.MinChunkWords} words to write questions from; ingest documents first.");

        // Sort first: the store's order is not guaranteed, and the same seed must pick the same chunks.
        chunks.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        var shuffled = chunks.ToArray();
        new Random(request.Seed).Shuffle(shuffled);
        return shuffled;
    }

    private static async Task<(string Question, string Answer)?> AskForQuestionAsync(IChatClient chatClient, Chunk chunk, CancellationToken cancellationToken)
    {
        var prompt = $$"""
            Write one question that the passage below answers, as a user of these documents would ask it, and its short answer
            (a few words, taken from the passage). The question must make sense without seeing the passage.
            Reply with JSON only: {"question": "...", "answer": "..."}

            Passage (from "{{chunk.DocumentName}}"):
            {{chunk.Text}}
            """;
        var reply = await chatClient.GetResponseAsync(prompt, cancellationToken: cancellationToken);
        if (LlmJson.Extract(reply.Text) is not { } json) return null;
        var question = LlmJson.String(json, "question")?.Trim();
        var answer = LlmJson.String(json, "answer")?.Trim();
        if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer)) return null;
        return (question, answer);
    }
}
