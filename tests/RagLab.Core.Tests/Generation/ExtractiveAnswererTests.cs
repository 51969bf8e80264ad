using System.Text.RegularExpressions;
using RagLab.Core.Generation;
using static RagLab.Core.Tests.Generation.Hits;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Generation;

public class ExtractiveAnswererTests
{
    private readonly ExtractiveAnswerer _answerer = new(new TestAnalyzer());

    /// <summary>The answer's sentences with their markers, e.g. ("Some sentence.", 2).</summary>
    private static List<(string Sentence, int Source)> Parts(string answer) =>
        Regex.Matches(answer, @"\s*(.+?) \[(\d+)\]").Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value))).ToList();

    private static string Collapse(string text) => Regex.Replace(text, @"\s+", " ");

    [Fact]
    public void The_sentence_that_answers_the_question_wins()
    {
        var answer = _answerer.Answer("How much free disk space does Snapvault require?", BackupManual(), maxSentences: 1);

        Assert.False(answer.Abstained);
        Assert.Equal("Snapvault requires 3.5 GB of free disk space. [3]", answer.Text);
        var citation = Assert.Single(answer.Citations);
        Assert.Equal("snapvault-guide.md#3", citation.ChunkId);
        Assert.Equal("Snapvault requires 3.5 GB of free disk space.", citation.Quote);
    }

    [Fact]
    public void Answers_from_the_right_chunk_even_when_it_is_not_ranked_first()
    {
        var answer = _answerer.Answer("What happens if I lose my passphrase?", BackupManual(), maxSentences: 1);

        var parts = Parts(answer.Text);
        Assert.Equal(("If you lose the passphrase, the snapshots cannot be restored.", 2), parts[0]);
        Assert.Equal("security.md#2", answer.Citations[0].ChunkId);
    }

    [Fact]
    public void Never_invents_words_every_sentence_is_copied_from_the_chunk_it_cites()
    {
        var hits = BackupManual();
        foreach (string question in new[]
                 {
                     "How long are snapshots kept and when are they pruned?",
                     "How are snapshots encrypted?",
                     "How do I install Snapvault?",
                 })
        {
            var answer = _answerer.Answer(question, hits);
            var parts = Parts(answer.Text);
            Assert.NotEmpty(parts);
            // Nothing outside "sentence [n]" pairs.
            Assert.Equal(Collapse(answer.Text), string.Join(' ', parts.Select(p => $"{p.Sentence} [{p.Source}]")));
            foreach (var (sentence, source) in parts)
            {
                Assert.Contains(sentence, Collapse(hits[source - 1].Chunk.Text));
            }
        }
    }

    [Fact]
    public void Takes_several_relevant_sentences_without_padding_with_unrelated_ones()
    {
        var answer = _answerer.Answer("How many days are snapshots kept by default, and how can I change the retention?", BackupManual());

        var sentences = Parts(answer.Text).Select(p => p.Sentence).ToList();
        Assert.Contains("Snapvault keeps local snapshots for 30 days by default.", sentences);
        Assert.Contains("You can change the retention period with the --keep-days option, e.g. --keep-days 90.", sentences);
        Assert.DoesNotContain("Run it as an administrator.", sentences);
        Assert.True(sentences.Count <= 3);
    }

    [Fact]
    public void Sentences_from_one_chunk_keep_the_document_order()
    {
        var answer = _answerer.Answer("How many days are snapshots kept by default, and how can I change the retention?", BackupManual());

        var fromFirstChunk = Parts(answer.Text).Where(p => p.Source == 1).Select(p => p.Sentence).ToList();
        var inChunk = fromFirstChunk.Select(s => BackupManual()[0].Chunk.Text.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.True(fromFirstChunk.Count >= 2, answer.Text);
        Assert.Equal(inChunk.Order(), inChunk);
    }

    [Fact]
    public void The_chunk_holding_the_best_sentence_comes_first()
    {
        var hits = Ranked(
            "Repairs under warranty are free of charge. Shipping is paid by the customer.",
            "The warranty lasts two years from the purchase date. Keep the receipt.");

        var answer = _answerer.Answer("How many years is the warranty from the purchase date, and are repairs free?", hits);

        Assert.Equal(
            "The warranty lasts two years from the purchase date. [2] Repairs under warranty are free of charge. [1]",
            answer.Text);
        Assert.Equal(["doc2.md#2", "doc1.md#1"], answer.Citations.Select(c => c.ChunkId));
    }

    [Fact]
    public void Near_duplicate_sentences_are_taken_once()
    {
        var hits = Ranked(
            "The office opens at 9 am on weekdays. Parking is free for visitors.",
            "The office opens at 9 am on weekdays. Lunch is served at noon.");

        var answer = _answerer.Answer("When does the office open on weekdays?", hits);

        Assert.Single(Parts(answer.Text), p => p.Sentence == "The office opens at 9 am on weekdays.");
        Assert.Equal("The office opens at 9 am on weekdays. [1]", answer.Text);
    }

    [Fact]
    public void Respects_max_sentences()
    {
        var hits = Ranked(
            "Snapshots are stored locally. Snapshots are compressed with zstd. Snapshots are verified after writing.",
            "Snapshots can be browsed in the web interface.");

        var answer = _answerer.Answer("Tell me about snapshots, stored compressed verified browsed", hits, maxSentences: 2);

        Assert.Equal(2, Parts(answer.Text).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => _answerer.Answer("snapshots", hits, maxSentences: 0));
    }

    [Fact]
    public void Rare_question_terms_count_more_than_common_ones()
    {
        // "snapshots" is everywhere; "zstd" picks the one sentence that answers.
        var hits = Ranked(
            "Snapshots are stored locally on the backup disk.",
            "Snapshots are listed by the status command.",
            "Snapshots are compressed with zstd before upload.");

        var answer = _answerer.Answer("Are snapshots compressed with zstd?", hits, maxSentences: 1);

        Assert.Equal("Snapshots are compressed with zstd before upload. [3]", answer.Text);
    }

    [Fact]
    public void Abstains_when_no_sentence_shares_a_term_with_the_question()
    {
        var answer = _answerer.Answer("What is the capital of Mongolia?", BackupManual());

        Assert.True(answer.Abstained);
        Assert.Equal(AbstentionDetector.CanonicalPhrase, answer.Text);
        Assert.Empty(answer.Citations);
        Assert.True(AbstentionDetector.IsAbstention(answer.Text));
    }

    [Fact]
    public void Abstains_with_no_hits_or_a_question_of_only_stop_words()
    {
        Assert.True(_answerer.Answer("How long are snapshots kept?", []).Abstained);
        Assert.True(_answerer.Answer("What is it?", BackupManual()).Abstained);
    }

    [Fact]
    public void Only_the_top_chunks_are_read()
    {
        var hits = Enumerable.Range(1, ExtractiveAnswerer.MaxChunks)
            .Select(i => Hit(i, $"Filler sentence number {i} about nothing."))
            .Append(Hit(ExtractiveAnswerer.MaxChunks + 1, "The warranty lasts two years."))
            .ToList<RetrievalHit>();

        Assert.True(_answerer.Answer("How long does the warranty last?", hits).Abstained);
    }

    [Fact]
    public void Headings_and_list_bullets_are_not_quoted_as_sentences()
    {
        var hits = new[] { Hit(1, "## Retention\n- Snapshots are kept for 30 days by default\n- Retention can be changed per job") };

        var answer = _answerer.Answer("How long is snapshot retention by default?", hits);

        var sentences = Parts(answer.Text).Select(p => p.Sentence).ToList();
        Assert.DoesNotContain(sentences, s => s.StartsWith('#') || s.StartsWith('-') || s == "Retention");
        Assert.Contains("Snapshots are kept for 30 days by default", sentences);
    }

    [Fact]
    public void Markers_and_citations_agree_and_citations_are_one_per_chunk()
    {
        var answer = _answerer.Answer("How many days are snapshots kept by default, and how can I change the retention?", BackupManual());

        var markerSources = Parts(answer.Text).Select(p => p.Source).Distinct().ToList();
        var hits = BackupManual();
        Assert.Equal(markerSources.Select(n => hits[n - 1].Chunk.Id), answer.Citations.Select(c => c.ChunkId));
        // Parsing the extractive answer finds the same citations.
        var parsed = new CitationParser(new TestAnalyzer()).Parse(answer.Text, hits);
        Assert.Empty(parsed.InvalidMarkers);
        Assert.Equal(answer.Citations.Select(c => c.ChunkId), parsed.Citations.Select(c => c.ChunkId));
    }
}
