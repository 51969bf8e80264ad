using System.Text;
using HtmlAgilityPack;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Reads HTML with HtmlAgilityPack. The text is the visible text: scripts, styles and the head are dropped, entities decoded,
/// whitespace collapsed (except in &lt;pre&gt;). Block elements become blocks separated by blank lines; h1–h6 build the
/// heading path, with the &lt;title&gt; as its root when the page has no h1. Table rows are blocks of cells joined by " | ".
/// </summary>
public sealed class HtmlParser : IDocumentParser
{
    private static readonly HashSet<string> Invisible =
        ["script", "style", "noscript", "template", "svg", "head", "title", "iframe", "object", "canvas", "math"];

    private static readonly HashSet<string> BlockElements =
    [
        "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "figure", "figcaption", "section", "article", "header",
        "footer", "main", "nav", "aside", "table", "thead", "tbody", "tfoot", "caption", "form", "fieldset", "legend", "address",
        "details", "summary", "hr", "body", "html", "center", "dialog", "menu", "hgroup", "option", "label",
    ];

    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm"];

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var bytes = await SourceTextDecoder.ReadAllAsync(content, cancellationToken);
        var (source, warning) = SourceTextDecoder.Decode(bytes);
        var html = new HtmlDocument();
        html.LoadHtml(source);
        var extraction = new Extraction(html);
        extraction.Walk(html.DocumentNode);
        extraction.Flush();
        return extraction.Output.Build(warning is null ? [] : [warning]);
    }

    private sealed class Extraction
    {
        private readonly HeadingTrail _headings = new();
        private readonly StringBuilder _inline = new();
        private bool _pendingSpace;

        public BlockTextBuilder Output { get; } = new();

        public Extraction(HtmlDocument html)
        {
            var title = html.DocumentNode.SelectSingleNode("//title");
            if (title is not null && html.DocumentNode.SelectSingleNode("//h1") is null)
            {
                var titleText = Collapse(HtmlEntity.DeEntitize(title.InnerText));
                if (titleText.Length > 0)
                    _headings.Enter(0, titleText);
            }
        }

        public void Walk(HtmlNode node)
        {
            switch (node)
            {
                case HtmlTextNode textNode:
                    AppendCollapsed(HtmlEntity.DeEntitize(textNode.Text));
                    return;
                case { NodeType: HtmlNodeType.Comment }:
                    return;
            }
            var name = node.Name.ToLowerInvariant();
            if (Invisible.Contains(name))
                return;
            if (HeadingLevel(name) is { } level)
            {
                Flush();
                var text = InlineText(node);
                if (text.Length > 0)
                    Output.Add(text, _headings.Enter(level, text), isHeading: true);
                return;
            }
            switch (name)
            {
                case "br":
                    _inline.Append('\n');
                    _pendingSpace = false;
                    return;
                case "tr":
                    Flush();
                    var cells = node.ChildNodes
                        .Where(c => c.Name is "td" or "th")
                        .Select(InlineText)
                        .Where(c => c.Length > 0);
                    Output.Add(string.Join(" | ", cells), _headings.Current);
                    return;
                case "pre":
                    Flush();
                    Output.Add(PreformattedText(node).Trim('\r', '\n'), _headings.Current);
                    return;
            }
            var isBlock = BlockElements.Contains(name);
            if (isBlock)
                Flush();
            foreach (var child in node.ChildNodes)
                Walk(child);
            if (isBlock)
                Flush();
        }

        /// <summary>Ends the current block of inline text.</summary>
        public void Flush()
        {
            Output.Add(_inline.ToString(), _headings.Current);
            _inline.Clear();
            _pendingSpace = false;
        }

        private void AppendCollapsed(string text)
        {
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    _pendingSpace = _inline.Length > 0 && _inline[^1] != '\n';
                    continue;
                }
                if (_pendingSpace)
                    _inline.Append(' ');
                _pendingSpace = false;
                _inline.Append(c);
            }
        }

        private static int? HeadingLevel(string name) =>
            name.Length == 2 && name[0] == 'h' && name[1] is >= '1' and <= '6' ? name[1] - '0' : null;

        /// <summary>All visible text under a node on one line (for headings and table cells).</summary>
        private static string InlineText(HtmlNode node)
        {
            var builder = new StringBuilder();
            AppendVisible(node, builder);
            return Collapse(builder.ToString());
        }

        private static void AppendVisible(HtmlNode node, StringBuilder builder)
        {
            if (node is HtmlTextNode text)
            {
                builder.Append(HtmlEntity.DeEntitize(text.Text));
                return;
            }
            if (node.NodeType == HtmlNodeType.Comment || Invisible.Contains(node.Name.ToLowerInvariant()))
                return;
            foreach (var child in node.ChildNodes)
            {
                AppendVisible(child, builder);
                if (child.Name is "br" || BlockElements.Contains(child.Name))
                    builder.Append(' ');
            }
        }

        private static string PreformattedText(HtmlNode node)
        {
            var builder = new StringBuilder();
            foreach (var text in node.DescendantsAndSelf().OfType<HtmlTextNode>())
            {
                if (!text.Ancestors().Any(a => Invisible.Contains(a.Name.ToLowerInvariant())))
                    builder.Append(HtmlEntity.DeEntitize(text.Text));
            }
            return builder.ToString();
        }

        private static string Collapse(string text) =>
            string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
