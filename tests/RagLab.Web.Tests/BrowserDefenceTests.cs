using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagLab.Web.Tests;

/// <summary>The Web is the lab's browser-facing origin: a form post from another site and a foreign Host are refused.</summary>
public sealed class BrowserDefenceTests : IDisposable
{
    private readonly WebFactory _web = new();

    public void Dispose() => _web.Dispose();

    [Theory]
    [InlineData("/")]
    [InlineData("/documents")]
    public async Task A_form_post_without_an_antiforgery_token_is_refused(string page)
    {
        using var client = _web.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["question"] = "What is the refund window?", ["_handler"] = "ask" });
        using var response = await client.PostAsync(page, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_page_requested_under_a_foreign_host_name_is_refused()
    {
        using var client = _web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }

    /// <summary>The Web alone; its Api is never reached by these requests (nothing listens on port 9).</summary>
    private sealed class WebFactory : WebApplicationFactory<RagLabApiClient>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("RagLab:ApiUrl", "http://127.0.0.1:9");
        }
    }
}
