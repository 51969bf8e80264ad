using RagLab.Core.Generation;
using static RagLab.Core.Tests.Generation.Hits;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Generation;

public class CitationParserTests
{
    private readonly CitationParser _parser = new(new TestAnalyzer());
    private readonly IReadOnlyList<RetrievalHit> _hits = BackupManual();

    private string[] CitedChunkIds(string answer) =>
        _parser.Parse(answer, _hits).Citations.Select(c => c.ChunkId).ToArray();

    [Theory]
    [InlineData("Snapshots are kept for 30 days [1].", new[] { 1 })]
    [InlineData("Snapshots are kept for 30 days. [1]", new[] { 1 })]
    [InlineData("Kept 30 days and encrypted [1][2].", new[] { 1, 2 })]
    [InlineData("Kept 30 days and encrypted [1] [2].", new[] { 1, 2 })]
    [InlineData("Kept 30 days and encrypted [1, 2].", new[] { 1, 2 })]
    [InlineData("Kept 30 days and encrypted [2;1].", new[] { 2, 1 })]
    [InlineData("All of it [1-3].", new[] { 1, 2, 3 })]
    [InlineData("All of it [1–3].", new[] { 1, 2, 3 })]
    [InlineData("All of it [ 3 - 2 ].", new[] { 2, 3 })]
    [InlineData("Kept 30 days [Source 1].", new[] { 1 })]
    public void Recognises_every_marker_form(string answer, int[] expectedSources)
    {
        Assert.Equal(expectedSources.Select(n => _hits[n - 1].Chunk.Id).ToArray(), CitedChunkIds(answer));
    }

    [Theory]
    [InlineData("Snapshots are kept for 30 days[^1].")]
    [InlineData("Snapshots are kept for 30 days (1).")]
    [InlineData("Snapshots are kept for 30 days {1}.")]
    [InlineData("Snapshots are kept for 30 days.")]
    [InlineData("Set arr[x] to 1.")]
    public void Footnotes_parentheses_and_plain_text_are_not_citations(string answer)
    {
        var result = _parser.Parse(answer, _hits);
        Assert.Empty(result.Citations);
        Assert.Empty(result.InvalidMarkers);
        Assert.Equal(answer, result.Answer);
    }

    [Fact]
    public void Citations_are_deduplicated_per_chunk_and_ordered_by_first_mention()
    {
        var result = _parser.Parse(
            "The key comes from your passphrase [2]. Snapshots are kept 30 days [1]. They are encrypted [2][1].", _hits);

        Assert.Equal([_hits[1].Chunk.Id, _hits[0].Chunk.Id], result.Citations.Select(c => c.ChunkId));
        Assert.Equal([_hits[1], _hits[0]], result.CitedHits);
        Assert.Equal("security.md", result.Citations[0].DocumentName);
        Assert.Equal(_hits[1].Chunk.DocumentId, result.Citations[0].DocumentId);
    }

    [Fact]
    public void Valid_markers_are_kept_in_the_answer_as_written()
    {
        const string answer = "Snapshots are kept 30 days [1, 2]. They are encrypted [2].";
        Assert.Equal(answer, _parser.Parse(answer, _hits).Answer);
    }

    [Fact]
    public void A_marker_beyond_the_retrieved_chunks_is_removed_and_explained()
    {
        var result = _parser.Parse("Snapshots are kept 30 days [7]. They are encrypted [2].", _hits);

        Assert.Equal("Snapshots are kept 30 days. They are encrypted [2].", result.Answer);
        Assert.Equal(["[7]"], result.InvalidMarkers);
        Assert.Equal(["The model cited [7], but only 3 chunks were retrieved; the marker was removed."], result.Warnings);
        Assert.Equal([_hits[1].Chunk.Id], result.Citations.Select(c => c.ChunkId));
    }

    [Fact]
    public void Marker_zero_is_invalid()
    {
        var result = _parser.Parse("[0] Snapshots are kept 30 days.", _hits);

        Assert.Equal("Snapshots are kept 30 days.", result.Answer);
        Assert.Equal(["[0]"], result.InvalidMarkers);
        Assert.Contains("numbered from 1", Assert.Single(result.Warnings));
        Assert.Empty(result.Citations);
    }

    [Fact]
    public void A_partly_invalid_marker_keeps_its_valid_numbers()
    {
        var result = _parser.Parse("Kept 30 days and encrypted [2, 9].", _hits);

        Assert.Equal("Kept 30 days and encrypted [2].", result.Answer);
        Assert.Equal(["[9]"], result.InvalidMarkers);
        Assert.Equal("The model cited [9] in [2, 9], but only 3 chunks were retrieved; [9] was dropped from the marker.",
            Assert.Single(result.Warnings));
        Assert.Equal([_hits[1].Chunk.Id], result.Citations.Select(c => c.ChunkId));
    }

    [Fact]
    public void A_range_running_past_the_hits_keeps_the_retrieved_part()
    {
        var result = _parser.Parse("Everything [2-6].", _hits);

        Assert.Equal("Everything [2, 3].", result.Answer);
        Assert.Equal(["[4-6]"], result.InvalidMarkers);
        Assert.Equal([_hits[1].Chunk.Id, _hits[2].Chunk.Id], result.Citations.Select(c => c.ChunkId));
    }

    [Fact]
    public void The_same_invalid_marker_is_reported_once_and_removed_everywhere()
    {
        var result = _parser.Parse("One [5]. Two [5][1]. Three [5]", _hits);

        Assert.Equal("One. Two [1]. Three", result.Answer);
        Assert.Equal(["[5]"], result.InvalidMarkers);
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void With_nothing_retrieved_every_marker_is_invalid()
    {
        var result = _parser.Parse("It is kept 30 days [1].", []);

        Assert.Equal("It is kept 30 days.", result.Answer);
        Assert.Equal("The model cited [1], but no chunks were retrieved; the marker was removed.", Assert.Single(result.Warnings));
        Assert.Empty(result.Citations);
        Assert.Empty(result.CitedHits);
    }

    [Fact]
    public void The_quote_is_the_chunk_sentence_that_supports_the_cited_answer_sentence()
    {
        var result = _parser.Parse(
            "Snapvault installs from the releases page [3]. If the passphrase is lost, snapshots cannot be restored [2].", _hits);

        Assert.Equal("Download the installer from the releases page.", result.Citations[0].Quote);
        Assert.Equal("If you lose the passphrase, the snapshots cannot be restored.", result.Citations[1].Quote);
    }

    [Fact]
    public void Each_mention_is_matched_against_its_own_sentence()
    {
        // Chunk 1 is cited for retention; the sentence about pruning must not be chosen for a retention claim.
        var result = _parser.Parse("The retention period can be changed with --keep-days [1]. Snapshots are encrypted [2].", _hits);

        Assert.Equal("You can change the retention period with the --keep-days option, e.g. --keep-days 90.", result.Citations[0].Quote);
        Assert.Equal("Snapshots are encrypted with AES-256 before they leave the machine.", result.Citations[1].Quote);
    }

    [Fact]
    public void Long_quotes_are_cut_to_300_characters_at_a_word()
    {
        string longSentence = string.Join(' ', Enumerable.Repeat("retention policy detail", 40)) + ".";
        var hits = new[] { Hit(1, longSentence) };

        var quote = _parser.Parse("The retention policy has detail [1].", hits).Citations[0].Quote;

        Assert.True(quote.Length <= 300, $"{quote.Length} characters");
        Assert.EndsWith("…", quote);
        Assert.StartsWith(quote[..^1], longSentence);
        Assert.False(char.IsLetter(longSentence[quote.Length - 1]), "The cut must fall between words.");
    }

    [Fact]
    public void With_no_overlap_the_quote_is_the_chunks_first_sentence()
    {
        var result = _parser.Parse("Zebra giraffe [2].", _hits);
        Assert.Equal("Snapshots are encrypted with AES-256 before they leave the machine.", result.Citations[0].Quote);
    }
}
