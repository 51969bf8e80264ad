using System.Text.Json;

namespace RagLab.Benchmarks;

/// <summary>
/// A small deterministic corpus in the BEIR layout (corpus.jsonl, queries.jsonl, qrels/test.tsv), for runs without a data
/// folder: documents of pseudo-words from <see cref="SyntheticCorpus"/>, and questions drawn from the same vocabulary.
/// </summary>
internal static class SyntheticBeirFolder
{
    private const int Questions = 300;

    /// <summary>Writes the folder and returns its path.</summary>
    public static string Write(string directory, int documents)
    {
        Directory.CreateDirectory(Path.Combine(directory, "qrels"));
        var text = new SyntheticCorpus(vocabularySize: 20_000, seed: 10);
        using (var corpus = new StreamWriter(Path.Combine(directory, "corpus.jsonl")))
        {
            for (var i = 0; i < documents; i++)
                corpus.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["_id"] = $"d{i}",
                    ["title"] = text.NextText(6),
                    ["text"] = text.NextText(150),
                }));
        }

        var queries = new SyntheticCorpus(vocabularySize: 20_000, seed: 10, streamSeed: 11);
        using (var questions = new StreamWriter(Path.Combine(directory, "queries.jsonl")))
        using (var qrels = new StreamWriter(Path.Combine(directory, "qrels", "test.tsv")))
        {
            qrels.WriteLine("query-id\tcorpus-id\tscore");
            for (var i = 0; i < Questions; i++)
            {
                questions.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["_id"] = $"q{i}", ["text"] = queries.NextText(5) }));
                qrels.WriteLine($"q{i}\td{i % documents}\t1");
            }
        }
        return directory;
    }
}
