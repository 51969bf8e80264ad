using System.Text;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>Shared checks: blocks and chunks must be exact spans of the parsed text.</summary>
internal static class IngestionAssert
{
    public static async Task<ParsedDocument> ParseAsync(IDocumentParser parser, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var parsed = await parser.ParseAsync(stream, CancellationToken.None);
        BlocksAreExactSpans(parsed);
        return parsed;
    }

    public static Task<ParsedDocument> ParseAsync(IDocumentParser parser, string text) =>
        ParseAsync(parser, Encoding.UTF8.GetBytes(text));

    /// <summary>Every block lies inside the text, in order, without overlap, and has no whitespace at its edges.</summary>
    public static void BlocksAreExactSpans(ParsedDocument parsed)
    {
        var previousEnd = 0;
        foreach (var block in parsed.Blocks)
        {
            Assert.InRange(block.Start, previousEnd, parsed.Text.Length);
            Assert.InRange(block.End, block.Start + 1, parsed.Text.Length);
            var text = parsed.Text[block.Start..block.End];
            Assert.Equal(text.Trim(), text);
            previousEnd = block.End;
        }
    }

    /// <summary>Positions run 0..n-1 and each chunk's text is exactly its span of the parsed text, trimmed, within budget.</summary>
    public static void ChunksAreExactSpans(ParsedDocument parsed, IReadOnlyList<Chunk> chunks, int maxTokens)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(i, chunk.Position);
            Assert.Equal(parsed.Text[chunk.Start..chunk.End], chunk.Text);
            Assert.NotEmpty(chunk.Text);
            Assert.Equal(chunk.Text.Trim(), chunk.Text);
            Assert.True(TokenCounter.Count(chunk.Text) <= maxTokens,
                $"Chunk {i} has {TokenCounter.Count(chunk.Text)} tokens (max {maxTokens}): {chunk.Text}");
        }
    }

    public static string BlockText(ParsedDocument parsed, TextBlock block) => parsed.Text[block.Start..block.End];

    public static string[] BlockTexts(ParsedDocument parsed) => parsed.Blocks.Select(b => BlockText(parsed, b)).ToArray();
}
