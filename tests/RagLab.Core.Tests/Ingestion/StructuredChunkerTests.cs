using System.Text;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Ingestion;

public sealed class StructuredChunkerTests
{
    private const string DocumentId = "doc-1";

    [Fact]
    public async Task Each_heading_starts_a_chunk_and_stays_with_its_content()
    {
        const string markdown = "# Alpha\n\nAlpha one.\n\nAlpha two.\n\n## Beta\n\nBeta text.\n\n# Gamma\n\n# Delta\n\nDelta text.";
        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), markdown);

        var chunks = Chunker(256, 32).Chunk(parsed, DocumentId, "notes.md", "default");

        Assert.Equal(
        [
            ("# Alpha\n\nAlpha one.\n\nAlpha two.", "Alpha"),
            ("## Beta\n\nBeta text.", "Alpha > Beta"),
            ("# Gamma", "Gamma"), // an empty section is the only lone heading
            ("# Delta\n\nDelta text.", "Delta"),
        ], chunks.Select(c => (c.Text, c.HeadingPath)));
        IngestionAssert.ChunksAreExactSpans(parsed, chunks, 256);
        Assert.All(chunks, c => Assert.Equal(("doc-1", "notes.md", "default"), (c.DocumentId, c.DocumentName, c.Collection)));
    }

    [Fact]
    public async Task Small_blocks_under_one_heading_are_packed_up_to_the_budget()
    {
        var paragraphs = Enumerable.Range(1, 30).Select(i => $"Paragraph number {i} has a few words.");
        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), string.Join("\n\n", paragraphs));

        var chunks = Chunker(40, 8).Chunk(parsed, DocumentId, "notes.txt", "default");

        IngestionAssert.ChunksAreExactSpans(parsed, chunks, 40);
        Assert.InRange(chunks.Count, 2, 29);
        // Packing is greedy: no chunk could have taken the next chunk's first paragraph.
        for (var i = 0; i + 1 < chunks.Count; i++)
        {
            var nextFirstParagraphEnd = parsed.Text.IndexOf('.', chunks[i + 1].Start) + 1;
            Assert.True(TokenCounter.Count(parsed.Text.AsSpan(chunks[i].Start, nextFirstParagraphEnd - chunks[i].Start)) > 40);
            Assert.True(chunks[i + 1].Start >= chunks[i].End, "blocks that fit are never repeated");
        }
        Assert.Equal(paragraphs.Last(), chunks[^1].Text[^"Paragraph number 30 has a few words.".Length..]);
    }

    [Fact]
    public async Task A_block_over_budget_is_split_at_sentences_with_overlap()
    {
        var sentences = Enumerable.Range(1, 40).Select(i => $"Sentence {i} talks about topic {i * 7} in detail.");
        var markdown = "# Long\n\n" + string.Join(' ', sentences);
        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), markdown);

        var chunks = Chunker(48, 10).Chunk(parsed, DocumentId, "long.md", "default");

        IngestionAssert.ChunksAreExactSpans(parsed, chunks, 48);
        Assert.True(chunks.Count > 3);
        Assert.StartsWith("# Long\n\nSentence 1 ", chunks[0].Text); // the heading leads the first piece
        Assert.All(chunks, c => Assert.EndsWith(" in detail.", c.Text)); // pieces end at sentence boundaries
        Assert.All(chunks, c => Assert.Equal("Long", c.HeadingPath));
        for (var i = 0; i + 1 < chunks.Count; i++)
        {
            Assert.True(chunks[i + 1].Start < chunks[i].End, $"chunk {i + 1} should overlap chunk {i}");
            var overlap = parsed.Text[chunks[i + 1].Start..chunks[i].End];
            Assert.EndsWith(overlap, chunks[i].Text);
            Assert.StartsWith(overlap, chunks[i + 1].Text);
            Assert.InRange(TokenCounter.Count(overlap), 1, 10);
        }
        Assert.EndsWith("Sentence 40 talks about topic 280 in detail.", chunks[^1].Text);
    }

    [Fact]
    public async Task Text_without_sentences_is_split_at_word_boundaries()
    {
        var words = string.Join(' ', Enumerable.Range(1, 300).Select(i => $"word{i}"));
        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), words);

        var chunks = Chunker(32, 0).Chunk(parsed, DocumentId, "words.txt", "default");

        IngestionAssert.ChunksAreExactSpans(parsed, chunks, 32);
        Assert.All(chunks, c => Assert.True(c.End == parsed.Text.Length || parsed.Text[c.End] == ' ', "ends at a word boundary"));
        Assert.All(chunks, c => Assert.True(c.Start == 0 || parsed.Text[c.Start - 1] == ' ', "starts at a word boundary"));
        // Without overlap the chunks tile the text exactly.
        Assert.Equal(words, string.Join(' ', chunks.Select(c => c.Text)));
    }

    [Fact]
    public async Task A_giant_word_is_cut_into_pieces_within_budget()
    {
        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), "Intro. " + new string('x', 1000) + " outro.");

        var chunks = Chunker(16, 4).Chunk(parsed, DocumentId, "blob.txt", "default");

        IngestionAssert.ChunksAreExactSpans(parsed, chunks, 16);
        Assert.Equal(1000, chunks.Sum(c => c.Text.Count(ch => ch == 'x')));
    }

    [Fact]
    public async Task Ids_are_stable_and_derived_from_document_position_and_text()
    {
        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), "# A\n\nOne.\n\n# B\n\nTwo.");

        var first = Chunker(256, 32).Chunk(parsed, DocumentId, "a.md", "default");
        var second = Chunker(256, 32).Chunk(parsed, DocumentId, "a.md", "default");
        var otherDocument = Chunker(256, 32).Chunk(parsed, "doc-2", "a.md", "default");

        Assert.Equal(first.Select(c => c.Id), second.Select(c => c.Id));
        Assert.All(first, c => Assert.Equal(DocumentIds.ForChunk(DocumentId, c.Position, c.Text), c.Id));
        Assert.Equal(first.Count, first.Select(c => c.Id).Distinct().Count());
        Assert.Empty(first.Select(c => c.Id).Intersect(otherDocument.Select(c => c.Id)));
    }

    [Fact]
    public void Empty_text_gives_no_chunks()
    {
        Assert.Empty(Chunker(256, 32).Chunk(ParsedDocument.Empty("no text"), DocumentId, "scan.pdf", "default"));
        Assert.Empty(Chunker(256, 32).Chunk(new ParsedDocument("  \n ", [new TextBlock(0, 4, [])], []), DocumentId, "x.txt", "default"));
    }

    [Theory]
    [InlineData(8, 2, "RagLab:Chunking:MaxTokens")]
    [InlineData(64, 32, "RagLab:Chunking:OverlapTokens")]
    [InlineData(64, -1, "RagLab:Chunking:OverlapTokens")]
    public void Invalid_options_are_rejected_naming_the_setting(int maxTokens, int overlapTokens, string key)
    {
        var error = Assert.Throws<ValidationException>(() => Chunker(maxTokens, overlapTokens));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void The_smallest_valid_options_are_accepted()
    {
        var chunker = Chunker(16, 7);

        var chunks = chunker.Chunk(new ParsedDocument("tiny", [new TextBlock(0, 4, [])], []), DocumentId, "t.txt", "default");

        Assert.Equal("tiny", Assert.Single(chunks).Text);
    }

    public static TheoryData<string> Formats => ["txt", "md", "html", "docx", "pdf"];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Every_chunk_of_every_format_is_an_exact_span(string format)
    {
        var (parser, bytes) = SampleDocument(format);
        var parsed = await IngestionAssert.ParseAsync(parser, bytes);
        Assert.NotEmpty(parsed.Text);

        foreach (var (maxTokens, overlap) in new[] { (16, 4), (24, 0), (64, 16), (256, 32) })
        {
            var chunks = Chunker(maxTokens, overlap).Chunk(parsed, DocumentId, "sample." + format, "default");

            IngestionAssert.ChunksAreExactSpans(parsed, chunks, maxTokens);
            // Nothing is lost: every block is covered by some chunk.
            Assert.All(parsed.Blocks, b => Assert.Contains(chunks, c => c.Start <= b.Start && b.Start < c.End));
            Assert.All(parsed.Blocks, b => Assert.Contains(chunks, c => c.Start < b.End && b.End <= c.End));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Generated_markdown_keeps_every_invariant(int seed)
    {
        var random = new Random(seed);
        string[] vocabulary = ["retrieval", "is", "a", "lab", "of", "measured", "answers", "fine-tuning", "(maybe)", "x", "—", "2024",
                               "supercalifragilisticexpialidocious", "naïve", "日本", "end.", "why?", "yes!", "\"quoted.\""];
        var markdown = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            if (random.Next(5) == 0)
                markdown.Append(new string('#', random.Next(1, 4))).Append(" Heading ").Append(i).Append("\n\n");
            var words = random.Next(1, 120);
            for (var w = 0; w < words; w++)
                markdown.Append(vocabulary[random.Next(vocabulary.Length)]).Append(random.Next(12) == 0 ? "\n" : " ");
            markdown.Append("\n\n");
        }
        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), markdown.ToString());

        foreach (var (maxTokens, overlap) in new[] { (16, 7), (40, 10), (100, 0) })
        {
            var chunks = Chunker(maxTokens, overlap).Chunk(parsed, DocumentId, "random.md", "default");

            IngestionAssert.ChunksAreExactSpans(parsed, chunks, maxTokens);
            // Every non-space character of every block appears in some chunk.
            var covered = new bool[parsed.Text.Length];
            foreach (var chunk in chunks)
                Array.Fill(covered, true, chunk.Start, chunk.End - chunk.Start);
            foreach (var block in parsed.Blocks)
                for (var i = block.Start; i < block.End; i++)
                    Assert.True(covered[i] || char.IsWhiteSpace(parsed.Text[i]), $"character {i} is in no chunk");
            Assert.All(chunks.Zip(chunks.Skip(1)), pair => Assert.True(pair.Second.Start > pair.First.Start));
        }
    }

    private static StructuredChunker Chunker(int maxTokens, int overlapTokens) =>
        new(new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens });

    private static (IDocumentParser Parser, byte[] Bytes) SampleDocument(string format)
    {
        const string prose = "Chunking keeps structure first. Headings start chunks, and long paragraphs are split at sentence " +
                             "boundaries so that every piece fits the token budget! Does overlap help retrieval? Usually it does.";
        return format switch
        {
            "txt" => (new PlainTextParser(), Encoding.UTF8.GetBytes($"Title line\n\n{prose} {prose}\n\n  indented tail  \n")),
            "md" => (new MarkdownParser(), Encoding.UTF8.GetBytes($"---\na: b\n---\n# Top\n\n{prose}\n\n## Sub\n\n- {prose}\n- two\n\n# Next\n\n{prose}\n")),
            "html" => (new HtmlParser(), Encoding.UTF8.GetBytes(
                $"<html><head><title>T</title><script>x()</script></head><body><h1>Top</h1><p>{prose}</p>" +
                $"<h2>Sub</h2><ul><li>{prose}</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>")),
            "docx" => (new DocxParser(), DocxParserTests.BuildSampleDocx()),
            "pdf" => (new PdfParser(), MinimalPdf.SinglePage(
                $"BT /F1 12 Tf 72 720 Td ({prose.Replace("!", "")}) Tj 0 -14 Td (second line) Tj 0 -40 Td ({prose}) Tj ET", compress: true)),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }
}
