using RagLab.Web.Components.Layout;

namespace RagLab.Web.Tests.Components;

public sealed class StatusPanelTests : PageTestContext
{
    [Fact]
    public void Shows_what_is_connected()
    {
        Api.Get("/api/status", Samples.Status());
        var panel = Render<StatusPanel>();

        panel.WaitForAssertion(() => Assert.Contains("chat: qwen2.5:1.5b", panel.Find("summary").TextContent));
        Assert.Contains("embeddings: all-minilm", panel.Find("summary").TextContent);
        Assert.Contains("vectors: embedded", panel.Find("summary").TextContent);
        Assert.DoesNotContain("degraded", panel.Find("[data-testid=status]").ClassList);
    }

    [Fact]
    public void Says_honestly_when_the_lab_is_degraded()
    {
        Api.Get("/api/status", Samples.Status(chat: false));
        var panel = Render<StatusPanel>();

        panel.WaitForAssertion(() => Assert.Contains("chat: not connected", panel.Find("summary").TextContent));
        Assert.Contains("degraded", panel.Find("[data-testid=status]").ClassList);
        Assert.Contains("rag answers extractively", panel.Find(".status-details").TextContent);
        Assert.Contains("connection refused", panel.Find(".status-details").TextContent);
    }

    [Fact]
    public void Says_when_the_Api_cannot_be_reached()
    {
        Api.On(HttpMethod.Get, "/api/status", _ => throw new HttpRequestException("Connection refused (127.0.0.1:5080)"));
        var panel = Render<StatusPanel>();

        panel.WaitForAssertion(() => Assert.Contains("Api unreachable", panel.Find("summary").TextContent));
        Assert.Contains("did not answer: Connection refused (127.0.0.1:5080)", panel.Find("[data-testid=error]").TextContent);
    }

    [Fact]
    public void Shows_checking_until_the_first_answer()
    {
        Api.Hold(HttpMethod.Get, "/api/status", Samples.Status());
        var panel = Render<StatusPanel>();

        Assert.Contains("checking", panel.Find("summary").TextContent);
    }
}
