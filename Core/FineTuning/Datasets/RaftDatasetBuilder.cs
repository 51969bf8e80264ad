using Microsoft.Extensions.AI;
using RagLab.Core.Evaluation.Llm;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>The examples a build produced, split, with their statistics.</summary>
public sealed record BuiltDataset(IReadOnlyList<TrainingExample> Train, IReadOnlyList<TrainingExample> Validation, DatasetStatistics Statistics, IReadOnlyList<string> ExcludedEvalSets);

/// <summary>
/// Builds a closed-book or RAFT dataset from a collection's chunks with the connected chat model: samples source chunks
/// (never one an excluded eval set draws on), asks the model for questions with a short answer and the passage text that
/// supports it, keeps only answers whose evidence is really in the passage, drops questions that repeat an eval question or
/// each other, composes each example (<see cref="RaftComposer"/>) and splits train/validation by source chunk.
/// </summary>
public sealed class RaftDatasetBuilder(IModelProvider models, IDocumentStore documents, IEvalStore evalSets, RaftComposer composer)
{
    public const string NoModelMessage =
        "Generating training data needs a chat model: connect a model server (start Ollama and run `ollama pull qwen2.5:1.5b`), " +
        "or upload your own examples as chat JSONL with POST /api/datasets/upload.";

    public async Task<BuiltDataset> BuildAsync(DatasetBuildRequest request, IJobProgress? progress, CancellationToken cancellationToken)
    {
        request.Validate();
        var collection = CollectionName.Normalize(request.Collection);
        var chat = await models.GetChatClientAsync(cancellationToken) ?? throw new DependencyUnavailableException(NoModelMessage);
        var exclusion = await EvalExclusion.LoadAsync(evalSets, collection, request.ExcludeEvalSets, cancellationToken);

        var (usable, excludedChunks) = await ReadChunksAsync(collection, exclusion, cancellationToken);
        var sources = usable.Where(c => Words(c.Text) >= request.MinChunkWords).ToArray();
        if (sources.Length == 0)
            throw new ValidationException($"Collection '{collection}' has no chunk of at least {request.MinChunkWords} words that no excluded eval set draws on; ingest more documents or exclude fewer eval sets.");
        if (request.Type == DatasetKind.Raft && usable.Select(c => c.DocumentId).Distinct().Count() < 2 && request.Distractors > 0)
            throw new ValidationException($"RAFT needs distractor chunks from other documents, and collection '{collection}' has one usable document; ingest more, or build a closedBook dataset.");

        var random = new Random(request.Seed);
        random.Shuffle(sources);
        var picked = sources.Take(request.MaxChunks).ToList();
        var examples = new List<TrainingExample>();
        var kept = new List<string>();
        int failures = 0, repeatsEval = 0, duplicates = 0, done = 0;
        foreach (var chunk in picked)
        {
            var questions = await AskAsync(chat, chunk, request.QuestionsPerChunk, cancellationToken);
            if (questions.Count == 0) failures++;
            foreach (var question in questions)
            {
                if (exclusion.RepeatsEvalQuestion(question.Question)) { repeatsEval++; continue; }
                if (QuestionSimilarity.IsNearDuplicate(question.Question, kept)) { duplicates++; continue; }
                kept.Add(question.Question);
                examples.Add(request.Type == DatasetKind.ClosedBook
                    ? composer.ClosedBook(question, chunk)
                    : composer.Raft(question, chunk, usable, request.Distractors, request.OracleProbability, random));
            }
            done++;
            if (progress is not null)
                await progress.ReportAsync(0.95 * done / picked.Count, $"{examples.Count} examples from {done} of {picked.Count} chunks", cancellationToken);
        }
        if (examples.Count == 0)
            throw new DependencyUnavailableException($"The chat model wrote no usable question for any of {picked.Count} chunks (it must reply with JSON like " +
                "{\"items\": [{\"question\": \"...\", \"answer\": \"...\", \"evidence\": \"text copied from the passage\"}]}). Try a larger model.");

        var (train, validation) = DatasetSplitter.Split(examples, request.ValidationShare, request.Seed);
        var statistics = DatasetStatisticsCalculator.Compute(train, validation, picked.Count, duplicates, repeatsEval, excludedChunks, failures);
        return new BuiltDataset(train, validation, statistics, exclusion.SetIds);
    }

    private async Task<(List<Chunk> Usable, int Excluded)> ReadChunksAsync(string collection, EvalExclusion exclusion, CancellationToken cancellationToken)
    {
        var usable = new List<Chunk>();
        var excluded = 0;
        await foreach (var chunk in documents.ReadAllChunksWithoutEmbeddingsAsync(collection, cancellationToken))
        {
            if (exclusion.Excludes(chunk)) excluded++;
            else usable.Add(chunk);
        }
        // The store's order is not guaranteed; the same seed must pick the same chunks.
        usable.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return (usable, excluded);
    }

    internal static async Task<IReadOnlyList<GeneratedQuestion>> AskAsync(IChatClient chat, Chunk chunk, int count, CancellationToken cancellationToken)
    {
        var prompt = $$"""
            Write {{count}} different questions that the passage below answers, as a user of these documents would ask them.
            For each, give a short answer taken from the passage and the evidence: the sentence or phrase of the passage that
            supports the answer, copied word for word. The questions must make sense without seeing the passage.
            Reply with JSON only: {"items": [{"question": "...", "answer": "...", "evidence": "..."}]}

            Passage (from "{{chunk.DocumentName}}"):
            {{chunk.Text}}
            """;
        var reply = await chat.GetResponseAsync(prompt, new ChatOptions { Temperature = 0.3f }, cancellationToken);
        if (LlmJson.Extract(reply.Text) is not { } json) return [];
        var items = json.ValueKind == System.Text.Json.JsonValueKind.Array ? json : LlmJson.Property(json, "items");
        if (items is not { ValueKind: System.Text.Json.JsonValueKind.Array } array) return [];
        var questions = new List<GeneratedQuestion>();
        foreach (var item in array.EnumerateArray())
        {
            var question = LlmJson.String(item, "question")?.Trim();
            var answer = LlmJson.String(item, "answer")?.Trim();
            var evidence = LlmJson.String(item, "evidence")?.Trim();
            // Grounded only: the evidence must be in the passage (compared with whitespace collapsed).
            if (string.IsNullOrEmpty(question) || string.IsNullOrEmpty(answer) || string.IsNullOrEmpty(evidence)) continue;
            if (!Collapse(chunk.Text).Contains(Collapse(evidence), StringComparison.OrdinalIgnoreCase)) continue;
            questions.Add(new GeneratedQuestion(question, answer, evidence));
            if (questions.Count == count) break;
        }
        return questions;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Trim('"', '\'', ' ', '.');

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
