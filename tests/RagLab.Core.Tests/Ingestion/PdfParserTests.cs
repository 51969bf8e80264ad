using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Parsers;

namespace RagLab.Core.Tests.Ingestion;

public sealed class PdfParserTests
{
    private const string TwoParagraphs =
        "BT /F1 12 Tf 72 720 Td (Hello PDF world.) Tj 0 -14 Td (Second line.) Tj 0 -40 Td (New paragraph here.) Tj ET";

    [Fact]
    public async Task Text_operators_give_lines_and_paragraphs()
    {
        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.SinglePage(TwoParagraphs));

        Assert.Equal("Hello PDF world.\nSecond line.\n\nNew paragraph here.", parsed.Text);
        Assert.Equal(["Hello PDF world.\nSecond line.", "New paragraph here."], IngestionAssert.BlockTexts(parsed));
        Assert.Empty(parsed.Warnings);
    }

    [Fact]
    public async Task Flate_compressed_content_streams_are_decoded()
    {
        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.SinglePage(TwoParagraphs, compress: true));

        Assert.Equal("Hello PDF world.\nSecond line.\n\nNew paragraph here.", parsed.Text);
    }

    [Fact]
    public async Task TJ_arrays_join_kerned_pieces_and_read_large_gaps_as_spaces()
    {
        const string content = "BT /F1 12 Tf 72 720 Td [(Hel) -20 (lo) -600 (W) 30 (orld)] TJ (next) ' ET";

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.SinglePage("14 TL " + content));

        Assert.Equal("Hello World\nnext", parsed.Text);
    }

    [Fact]
    public async Task Literal_string_escapes_octal_and_hex_strings_use_win_ansi()
    {
        const string content = @"BT /F1 12 Tf 72 720 Td (Caf\351 \(latte\) costs \0443\\cup) Tj 0 -14 Td <48692080> Tj ET";

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.SinglePage(content));

        Assert.Equal("Café (latte) costs $3\\cup\nHi €", parsed.Text);
    }

    [Fact]
    public async Task ToUnicode_cmaps_map_two_byte_identity_codes()
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        const string cmap = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange
            2 beginbfchar
            <0001> <00E9>
            <0002> <0020>
            endbfchar
            2 beginbfrange
            <0003> <0005> <0041>
            <0006> <0007> [<03A9> <D83DDE00>]
            endbfrange
            endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end
            """;
        var toUnicode = pdf.AddFlateStream(cmap);
        const string descendant = "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Noto " +
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 600 " +
            "/FontDescriptor << /Type /FontDescriptor /FontName /ABCDEF+Noto /Flags 4 /FontBBox [0 -200 1000 800] " +
            "/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >> >>";
        var font = pdf.Add($"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Noto /Encoding /Identity-H /ToUnicode {toUnicode} 0 R " +
                           $"/DescendantFonts [{descendant}] >>");
        var contents = pdf.AddStream(MinimalPdf.Latin1("BT /F1 11 Tf 50 700 Td <0001000300040005> Tj [<0002> -10 <00060007>] TJ ET"));
        var page = pdf.Add($"<< /Type /Page /Parent {pages} 0 R /Contents {contents} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>");

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), pdf.Build(catalog));

        Assert.Equal("éABC Ω😀", parsed.Text);
    }

    [Fact]
    public async Task Pages_follow_the_page_tree_order_and_inherit_resources()
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var root = pdf.Reserve();
        var font = pdf.Add(MinimalPdf.Helvetica);
        // Object numbers run opposite to reading order; the Kids arrays decide.
        var lastContents = pdf.AddStream(MinimalPdf.Latin1("BT /F1 12 Tf 72 700 Td (Page three.) Tj ET"));
        var lastPage = pdf.Add($"<< /Type /Page /Parent {root} 0 R /Contents {lastContents} 0 R >>");
        var middleContents = pdf.AddStream(MinimalPdf.Latin1("BT /F1 12 Tf 72 700 Td (Page two.) Tj ET"));
        var middlePage = pdf.Reserve();
        var firstPart1 = pdf.AddStream(MinimalPdf.Latin1("BT /F1 12 Tf 72 700 Td (Page"));
        var firstPart2 = pdf.AddStream(MinimalPdf.Latin1(" one.) Tj ET"));
        var firstPage = pdf.Add($"<< /Type /Page /Parent {root} 0 R /Contents [{firstPart1} 0 R {firstPart2} 0 R] >>");
        var inner = pdf.Add($"<< /Type /Pages /Parent {root} 0 R /Kids [{firstPage} 0 R {middlePage} 0 R] /Count 2 >>");
        pdf.Set(middlePage, $"<< /Type /Page /Parent {inner} 0 R /Contents {middleContents} 0 R >>");
        pdf.Set(root, $"<< /Type /Pages /Kids [{inner} 0 R {lastPage} 0 R] /Count 3 /Resources << /Font << /F1 {font} 0 R >> >> >>");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {root} 0 R >>");

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), pdf.Build(catalog));

        Assert.Equal(["Page one.", "Page two.", "Page three."], IngestionAssert.BlockTexts(parsed));
        Assert.Equal("Page one.\n\nPage two.\n\nPage three.", parsed.Text);
    }

    [Fact]
    public async Task Objects_inside_compressed_object_streams_are_found()
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var contents = pdf.AddFlateStream("BT /F1 12 Tf 72 700 Td (From an object stream.) Tj ET");
        const int page = 10, font = 11;
        var pageBody = $"<< /Type /Page /Parent {pages} 0 R /Contents {contents} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>";
        var header = $"{page} 0 {font} {pageBody.Length + 1} ";
        var objectStream = pdf.AddFlateStream(header + pageBody + " " + MinimalPdf.Helvetica, $"/Type /ObjStm /N 2 /First {header.Length}");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>");

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(),
            pdf.BuildWithXrefStream(catalog, new Dictionary<int, (int, int)> { [page] = (objectStream, 0), [font] = (objectStream, 1) }));

        Assert.Equal("From an object stream.", parsed.Text);
    }

    [Fact]
    public async Task Differences_arrays_and_form_xobjects_are_honoured()
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var font = pdf.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Custom " +
                           "/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /T /h /e 4 /quoteright /fi] >> >>");
        var form = pdf.AddStream(MinimalPdf.Latin1("BT /F1 10 Tf 0 0 Td (in a form) Tj ET"),
            $"/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /Font << /F1 {font} 0 R >> >>");
        var contents = pdf.AddStream(MinimalPdf.Latin1(@"BT /F1 10 Tf 72 700 Td (yre ne) Tj ET q 1 0 0 1 72 600 cm /Fm1 Do Q"));
        var page = pdf.Add($"<< /Type /Page /Parent {pages} 0 R /Contents {contents} 0 R " +
                           $"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Fm1 {form} 0 R >> >> >>");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>");

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), pdf.Build(catalog));

        Assert.Equal("They\u2019re fine\n\nin a form", parsed.Text);
    }

    [Fact]
    public async Task An_image_only_pdf_gives_empty_text_and_an_ocr_warning()
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var image = pdf.AddStream([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46],
            "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode");
        var contents = pdf.AddStream(MinimalPdf.Latin1("q 612 0 0 792 0 0 cm /Im1 Do Q"));
        var page = pdf.Add($"<< /Type /Page /Parent {pages} 0 R /Contents {contents} 0 R /Resources << /XObject << /Im1 {image} 0 R >> >> >>");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>");

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), pdf.Build(catalog));

        Assert.Equal("", parsed.Text);
        Assert.Empty(parsed.Blocks);
        Assert.Equal(
            "The PDF has no extractable text (it may be scanned images); run OCR on it and upload the result.",
            Assert.Single(parsed.Warnings));
    }

    [Fact]
    public async Task Inline_images_are_skipped()
    {
        const string content = "BT /F1 12 Tf 72 700 Td (Before) Tj ET\nBI /W 2 /H 1 /BPC 8 /CS /G ID \u0000(Tj)\u00FF EI\nBT /F1 12 Tf 72 600 Td (After) Tj ET";

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.SinglePage(content));

        Assert.Equal("Before\n\nAfter", parsed.Text);
    }

    [Fact]
    public async Task Encrypted_pdfs_are_refused_as_password_protected()
    {
        var bytes = PdfSharpDocuments.Create(userPassword: "secret", ["Salaries for 2026."]);

        var error = await Assert.ThrowsAsync<DocumentParseException>(() => IngestionAssert.ParseAsync(new PdfParser(), bytes));

        Assert.Contains("password-protected", error.Message);
    }

    [Fact]
    public async Task A_file_without_a_pdf_header_is_rejected()
    {
        var garbage = new byte[512];
        new Random(7).NextBytes(garbage);

        var error = await Assert.ThrowsAsync<DocumentParseException>(() => IngestionAssert.ParseAsync(new PdfParser(), garbage));

        Assert.Contains("not a valid PDF", error.Message);
    }

    [Fact]
    public async Task A_pdf_header_with_no_pages_is_reported_as_damaged()
    {
        var error = await Assert.ThrowsAsync<DocumentParseException>(() =>
            IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.Latin1("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF")));

        Assert.Contains("damaged", error.Message);
    }
}

public sealed class PdfSharpGeneratedPdfTests
{
    [Fact]
    public async Task Text_from_a_pdfsharp_document_reads_back_in_page_order()
    {
        var bytes = PdfSharpDocuments.Create(
            ["Quarterly report", "", "Revenue grew by 12% in Zürich.", "Costs stayed flat."],
            ["Second page — naïve café."]);

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), bytes);

        Assert.Equal(
            ["Quarterly report", "Revenue grew by 12% in Zürich.\nCosts stayed flat.", "Second page — naïve café."],
            IngestionAssert.BlockTexts(parsed));
    }
}

public sealed class PdfLayoutTests
{
    [Fact]
    public async Task Larger_type_becomes_headings_ranked_by_size_and_every_block_knows_its_page()
    {
        const string page1 = "BT /F1 20 Tf 72 740 Td (Orbit X2 manual) Tj ET " +
                             "BT /F1 15 Tf 72 700 Td (Battery) Tj ET " +
                             "BT /F1 11 Tf 72 675 Td (The battery lasts five days on a charge.) Tj 0 -13 Td (Cold weather shortens it.) Tj ET";
        const string page2 = "BT /F1 15 Tf 72 740 Td (Charging) Tj ET " +
                             "BT /F1 11 Tf 72 715 Td (Charge it with the magnetic cable for two hours.) Tj ET";

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.Pages(page1, page2));

        Assert.Equal(
        [
            ("Orbit X2 manual", "Orbit X2 manual", true, 1),
            ("Battery", "Orbit X2 manual > Battery", true, 1),
            ("The battery lasts five days on a charge.\nCold weather shortens it.", "Orbit X2 manual > Battery", false, 1),
            ("Charging", "Orbit X2 manual > Charging", true, 2),
            ("Charge it with the magnetic cable for two hours.", "Orbit X2 manual > Charging", false, 2),
        ], parsed.Blocks.Select(b => (IngestionAssert.BlockText(parsed, b), string.Join(" > ", b.HeadingPath), b.IsHeading, b.Page ?? 0)));
    }

    [Fact]
    public async Task Two_columns_are_read_column_by_column_even_when_drawn_row_by_row()
    {
        string[] left = ["Left column starts here and", "runs down the page for a", "while before it ends."];
        string[] right = ["Right column comes second", "and also spans a few", "lines of body text."];
        var content = new System.Text.StringBuilder("BT /F1 11 Tf ");
        for (var i = 0; i < left.Length; i++)
            content.Append($"1 0 0 1 72 {700 - 13 * i} Tm ({left[i]}) Tj 1 0 0 1 330 {700 - 13 * i} Tm ({right[i]}) Tj ");
        content.Append("ET");

        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), MinimalPdf.SinglePage(content.ToString()));

        Assert.Equal([string.Join('\n', left), string.Join('\n', right)], IngestionAssert.BlockTexts(parsed));
    }

    [Fact]
    public async Task Ligature_glyphs_are_read_as_letters()
    {
        var parsed = await IngestionAssert.ParseAsync(new PdfParser(), PdfSharpDocuments.Create(["The ﬁrst ﬂight was ﬀ."]));

        Assert.Equal("The first flight was ff.", parsed.Text);
    }
}
