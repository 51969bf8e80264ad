using RagLab.Core.Ingestion.Parsers;

namespace RagLab.Core.Tests.Ingestion;

public sealed class HtmlParserTests
{
    private const string PageWithoutH1 = """
        <!DOCTYPE html>
        <html><head><title>Site &amp; Title</title>
        <style>.secret-style { color: red }</style>
        <script>var secretScript = 1;</script></head>
        <body>
        <nav>Home</nav>
        <h2>Section &amp; More</h2>
        <p>First   paragraph
           with <b>bold</b> text&nbsp;and&#39;quote&#x27;s.</p>
        <script>alert('secret inline')</script>
        <div>Div text<p>Nested para</p>tail text</div>
        <ul><li>One</li><li>Two <i>items</i></li></ul>
        <table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td> 30 </td></tr></table>
        <pre>line 1
           indented &lt;tag&gt;</pre>
        <noscript>Enable JS secret</noscript><template><p>secret template</p></template>
        <svg><text>secret svg</text></svg>
        <!-- secret comment -->
        <h3>Sub</h3><dl><dt>Term</dt><dd>Definition</dd></dl>
        </body></html>
        """;

    [Fact]
    public async Task Visible_text_becomes_blocks_with_heading_paths_rooted_at_the_title()
    {
        var parsed = await IngestionAssert.ParseAsync(new HtmlParser(), PageWithoutH1);

        var blocks = parsed.Blocks.Select(b => (IngestionAssert.BlockText(parsed, b), string.Join(" > ", b.HeadingPath))).ToArray();
        Assert.Equal(
        [
            ("Home", "Site & Title"),
            ("Section & More", "Site & Title > Section & More"),
            ("First paragraph with bold text and'quote's.", "Site & Title > Section & More"),
            ("Div text", "Site & Title > Section & More"),
            ("Nested para", "Site & Title > Section & More"),
            ("tail text", "Site & Title > Section & More"),
            ("One", "Site & Title > Section & More"),
            ("Two items", "Site & Title > Section & More"),
            ("Name | Age", "Site & Title > Section & More"),
            ("Ann | 30", "Site & Title > Section & More"),
            ("line 1\n   indented <tag>", "Site & Title > Section & More"),
            ("Sub", "Site & Title > Section & More > Sub"),
            ("Term", "Site & Title > Section & More > Sub"),
            ("Definition", "Site & Title > Section & More > Sub"),
        ], blocks);
        Assert.True(parsed.Blocks[1].IsHeading);
    }

    [Fact]
    public async Task Scripts_styles_and_hidden_content_are_dropped()
    {
        var parsed = await IngestionAssert.ParseAsync(new HtmlParser(), PageWithoutH1);

        Assert.DoesNotContain("secret", parsed.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Site", parsed.Text); // the title is a path root, not body text
        Assert.Contains("\n\n", parsed.Text);
    }

    [Fact]
    public async Task H1_replaces_the_title_and_a_new_h1_resets_the_path()
    {
        const string html = "<html><head><title>Ignored</title></head><body>" +
            "<h1>Alpha</h1><p>a</p><h2>Beta</h2><p>b</p><h1>Gamma</h1><p>c</p></body></html>";

        var parsed = await IngestionAssert.ParseAsync(new HtmlParser(), html);

        Assert.Equal("Alpha\n\na\n\nBeta\n\nb\n\nGamma\n\nc", parsed.Text);
        Assert.Equal(
            ["Alpha", "Alpha", "Alpha > Beta", "Alpha > Beta", "Gamma", "Gamma"],
            parsed.Blocks.Select(b => string.Join(" > ", b.HeadingPath)));
    }
}
