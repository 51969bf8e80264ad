using Microsoft.AspNetCore.Http;
using RagLab.Contracts;
using RagLab.Web.Components.Chat;
using RagLab.Web.Components.Shared;
using RagLab.Web.Downloads;

namespace RagLab.Web.Tests.Components;

public sealed class TextHelpersTests
{
    [Fact]
    public void A_quote_is_found_across_line_breaks_and_its_cut()
    {
        const string text = "Intro.\nRefunds are   accepted\nwithin 30 days. Keep the receipt.";

        var span = QuoteLocator.Find(text, "Refunds are accepted within 30…");

        Assert.NotNull(span);
        Assert.Equal("Refunds are   accepted\nwithin 30", text.Substring(span.Value.Start, span.Value.Length));
        Assert.Null(QuoteLocator.Find(text, "Shipping takes five days."));
        Assert.Null(QuoteLocator.Find(text, "  "));
    }

    [Fact]
    public void Markers_link_to_the_citation_of_the_retrieved_chunk_they_number()
    {
        var citation = new AskCitation("c2", "d", "refunds.md", "q");
        var response = Samples.Answer("rag", "x", [citation], ["c1", "c2"]);

        var parts = CitationMarkers.Split("Within 30 days [2]. Also [1], and [2, 1].", response);

        Assert.Equal(["Within 30 days ", "[2]", ". Also [1], and ", "[2, 1]", "."], parts.Select(p => p.Text));
        Assert.Equal((2, citation), Assert.Single(parts[1].Citations));
        Assert.Equal((2, citation), Assert.Single(parts[3].Citations)); // [1] cites a chunk without a citation: plain text
        Assert.Equal(2, CitationMarkers.NumberOf(citation, response));
    }

    [Fact]
    public void A_questionnaire_survives_the_download_link()
    {
        var questionnaire = new Questionnaire(KnowledgeChangeFrequency.Daily, true, 1500, 1_000_000, 2500.5, 800, MlExperience.Experienced, true);

        var query = QueryHelpersParse(QuestionnaireQuery.ToQuery(questionnaire));

        Assert.Equal(questionnaire, QuestionnaireQuery.FromQuery(query));
    }

    [Fact]
    public void A_bad_questionnaire_value_is_named()
    {
        var query = QueryHelpersParse("?knowledgeChanges=hourly");

        var error = Assert.Throws<FormatException>(() => QuestionnaireQuery.FromQuery(query));
        Assert.Contains("'knowledgeChanges' must be one of Daily, Weekly, Monthly, Quarterly, Yearly, Never; it was 'hourly'", error.Message);
    }

    [Theory]
    [InlineData(0.42, "0.42 ms")]
    [InlineData(0.0071, "0.0071 ms")]
    [InlineData(815.2, "815 ms")]
    [InlineData(1010, "1.01 s")]
    public void Milliseconds_keep_two_significant_figures_below_ten(double ms, string expected) => Assert.Equal(expected, Fmt.Ms(ms));

    private static IQueryCollection QueryHelpersParse(string query) =>
        new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
}
