using System.Text;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Reads Markdown with Markdig. The text is the Markdown source itself, so chunk spans are spans of the source.
/// Blocks are the top-level Markdig blocks; ATX and setext headings build the heading path (with plain heading text).
/// YAML front matter and link reference definitions are not blocks.
/// </summary>
public sealed class MarkdownParser : IDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .Build();

    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var bytes = await SourceTextDecoder.ReadAllAsync(content, cancellationToken);
        var (text, warning) = SourceTextDecoder.Decode(bytes);
        return new ParsedDocument(text, ReadBlocks(text), warning is null ? [] : [warning]);
    }

    private static List<TextBlock> ReadBlocks(string text)
    {
        var document = Markdown.Parse(text, Pipeline);
        var headings = new HeadingTrail();
        var blocks = new List<TextBlock>();
        foreach (var block in document)
        {
            if (block is YamlFrontMatterBlock or LinkReferenceDefinitionGroup || block.Span.IsEmpty)
                continue;
            // Top-level blocks own whole lines, but Markdig's spans can stop short of them (pipe tables drop the outer
            // '|'); widen to full lines (Span.End is inclusive), then trim so a block never starts or ends with whitespace.
            var start = Math.Clamp(block.Span.Start, 0, text.Length);
            var end = Math.Clamp(block.Span.End + 1, start, text.Length);
            start = start == 0 ? 0 : text.LastIndexOf('\n', start - 1) + 1;
            var lineEnd = text.IndexOf('\n', end == 0 ? 0 : end - 1);
            end = lineEnd < 0 ? text.Length : Math.Max(end, lineEnd);
            while (start < end && char.IsWhiteSpace(text[start])) start++;
            while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
            if (start == end)
                continue;
            if (block is HeadingBlock heading)
            {
                var title = PlainText(heading.Inline);
                var path = headings.Enter(heading.Level, title.Length > 0 ? title : text[start..end].Trim('#', ' ', '\t'));
                blocks.Add(new TextBlock(start, end, path, IsHeading: true));
            }
            else
            {
                blocks.Add(new TextBlock(start, end, headings.Current));
            }
        }
        return blocks;
    }

    /// <summary>Heading text without markup: emphasis markers, link syntax and inline HTML are dropped.</summary>
    private static string PlainText(ContainerInline? inlines)
    {
        var builder = new StringBuilder();
        Append(inlines, builder);
        return string.Join(' ', builder.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static void Append(ContainerInline? container, StringBuilder builder)
    {
        if (container is null)
            return;
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal: builder.Append(literal.Content.ToString()); break;
                case CodeInline code: builder.Append(code.Content); break;
                case HtmlEntityInline entity: builder.Append(entity.Transcoded.ToString()); break;
                case AutolinkInline autolink: builder.Append(autolink.Url); break;
                case LineBreakInline: builder.Append(' '); break;
                case ContainerInline nested: Append(nested, builder); break;
            }
        }
    }
}
