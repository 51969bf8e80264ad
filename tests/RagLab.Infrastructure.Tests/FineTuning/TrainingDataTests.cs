using System.Text;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>RAFT composition, eval-set exclusion, uploads with bad lines, and the export formats.</summary>
public sealed class TrainingDataTests
{
    private static Chunk Chunk(int document, int position) =>
        new($"c{document}-{position}", $"d{document}", $"doc{document}.md", "default", position, "", $"Document {document} passage {position} says something specific.", 0, 10);

    [Fact]
    public void Raft_keeps_the_oracle_with_probability_P_and_takes_distractors_only_from_other_documents()
    {
        var chunks = Enumerable.Range(0, 5).SelectMany(d => Enumerable.Range(0, 6).Select(p => Chunk(d, p))).ToList();
        var composer = new RaftComposer(new BasePromptBuilder(), new RagPromptBuilder());
        var random = new Random(7);
        var question = new GeneratedQuestion("What does passage 2 say?", "Something specific.", "passage 2 says something specific");

        var examples = Enumerable.Range(0, 2000).Select(i => (oracle: chunks[i % chunks.Count], example: composer.Raft(question, chunks[i % chunks.Count], chunks, 3, 0.8, random))).ToList();

        var share = examples.Count(e => e.example.Origin!.OracleIncluded) / (double)examples.Count;
        Assert.InRange(share, 0.77, 0.83);
        foreach (var (oracle, example) in examples)
        {
            var origin = example.Origin!;
            Assert.Equal(4, origin.ContextChunkIds!.Count); // k + 1 chunks whether or not the oracle is there
            var distractors = origin.ContextChunkIds.Zip(origin.ContextDocumentIds!).Where(p => p.First != oracle.Id).ToList();
            Assert.All(distractors, d => Assert.NotEqual(oracle.DocumentId, d.Second));
            Assert.Equal(origin.OracleIncluded, origin.ContextChunkIds.Contains(oracle.Id));
            var user = example.Messages.Single(m => m.Role == ChatTurn.User).Content;
            foreach (var id in origin.ContextChunkIds) Assert.Contains(chunks.Single(c => c.Id == id).Text, user);
            if (origin.OracleIncluded)
            {
                var marker = $"[{origin.ContextChunkIds.ToList().IndexOf(oracle.Id) + 1}]";
                Assert.StartsWith($"Something specific. {marker}", example.Answer);
                Assert.Contains($"Evidence: \"passage 2 says something specific\" {marker}", example.Answer);
            }
            else
            {
                Assert.Equal("Something specific.", example.Answer);
            }
            Assert.Null(ChatFormat.Check(example.Messages));
        }
        // Where the oracle sits is drawn too, so the model cannot learn "always [1]".
        Assert.True(examples.Where(e => e.example.Origin!.OracleIncluded).Select(e => e.example.Origin!.ContextChunkIds!.ToList().IndexOf(e.oracle.Id)).Distinct().Count() == 4);
    }

    [Fact]
    public async Task Eval_questions_and_their_source_chunks_never_reach_the_training_data()
    {
        await using var ollama = await FakeOllamaServer.StartAsync();
        await using var lab = await FineTuningLab.StartAsync(ollama, new Dictionary<string, string?>());
        await lab.IngestAsync();
        var chunks = new List<Chunk>();
        await foreach (var chunk in lab.Get<IDocumentStore>().ReadAllChunksWithoutEmbeddingsAsync("default", CancellationToken.None)) chunks.Add(chunk);
        var refunds = chunks.Single(c => c.DocumentName == "refunds.md");
        // One question generated from the refunds chunk's source, one that repeats what the model writes about shipping.
        var shipping = FineTuningLab.Respond([new FakeChatMessage("user", $"Passage (from \"shipping.md\"):\n{chunks.Single(c => c.DocumentName == "shipping.md").Text}")]);
        var shippingQuestion = System.Text.Json.JsonDocument.Parse(shipping).RootElement.GetProperty("items")[0].GetProperty("question").GetString()!;
        await lab.Get<IEvalStore>().ImportAsync(new EvalSetDraft("held-out", "default", EvalSetSource.Generated, HeldOutFromTraining: true,
            [
                new EvalItem("g1", "How long do refunds take?", "30 days", [refunds.DocumentId], ["generated", $"chunk:{refunds.Id}"]),
                new EvalItem("g2", shippingQuestion, "three to five days", ["shipping.md"], ["generated"]),
            ]), CancellationToken.None);

        var dataset = await lab.BuildDatasetAsync();

        var examples = (await lab.Store.GetExamplesAsync(dataset.Id, DatasetSplit.Train, null, CancellationToken.None))
            .Concat(await lab.Store.GetExamplesAsync(dataset.Id, DatasetSplit.Validation, null, CancellationToken.None)).ToList();
        Assert.NotEmpty(examples);
        Assert.All(examples, e => Assert.DoesNotContain(refunds.Id, e.Origin!.ContextChunkIds!.Append(e.Origin.SourceChunkId)));
        Assert.All(examples, e => Assert.DoesNotContain(shippingQuestion, e.Question));
        // g2 names its document (no chunk tag), so all of shipping.md is out too.
        Assert.All(examples, e => Assert.DoesNotContain(e.Origin!.ContextDocumentIds!.Append(e.Origin.SourceDocumentId), d => chunks.Any(c => c.DocumentId == d && c.DocumentName is "refunds.md" or "shipping.md")));
        Assert.Equal(2, dataset.Statistics!.EvalSourceChunksExcluded);
        Assert.Single(dataset.ExcludedEvalSets);
    }

    [Fact]
    public async Task An_upload_with_bad_lines_names_every_one_by_number_and_stores_nothing()
    {
        var jsonl = string.Join('\n',
            """{"messages": [{"role": "user", "content": "Refund window?"}, {"role": "assistant", "content": "30 days."}]}""",
            """{"messages": [{"role": "user", "content": "No answer"}]}""",
            "",
            """{"messages": "not a list"}""",
            "{broken",
            """{"messages": [{"role": "assistant", "content": "first"}, {"role": "user", "content": "second"}]}""");

        var error = await Assert.ThrowsAsync<JsonlUploadException>(() => ChatJsonlReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(jsonl)), CancellationToken.None));

        Assert.Equal([2, 4, 5, 6], error.Errors.Select(e => e.Line));
        Assert.Contains("line 2: the last message must be the assistant's answer", error.Message);
        Assert.Contains("line 4: no \"messages\" array", error.Message);
        Assert.Contains("line 5: not valid JSON", error.Message);
        Assert.Contains("line 6: message 1 is \"assistant\" where \"user\" was expected", error.Message);
        Assert.StartsWith("4 of 6 lines", error.Message);
    }

    [Fact]
    public void Exports_write_the_formats_trainers_read()
    {
        var example = new TrainingExample([new(ChatTurn.System, "Be brief."), new(ChatTurn.User, "Q1"), new(ChatTurn.Assistant, "A1"), new(ChatTurn.User, "Q2"), new(ChatTurn.Assistant, "A2")]);

        Assert.Equal("""{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Q1"},{"role":"assistant","content":"A1"},{"role":"user","content":"Q2"},{"role":"assistant","content":"A2"}]}""",
            DatasetExporter.Line(example, DatasetExportFormat.OpenAi));
        Assert.Equal("""{"conversations":[{"from":"system","value":"Be brief."},{"from":"human","value":"Q1"},{"from":"gpt","value":"A1"},{"from":"human","value":"Q2"},{"from":"gpt","value":"A2"}]}""",
            DatasetExporter.Line(example, DatasetExportFormat.ShareGpt));
        Assert.Equal("""{"instruction":"Q2","input":"","output":"A2","system":"Be brief.","history":[["Q1","A1"]]}""",
            DatasetExporter.Line(example, DatasetExportFormat.Alpaca));
        Assert.Throws<ValidationException>(() => DatasetExporter.ParseFormat("csv"));
    }
}
