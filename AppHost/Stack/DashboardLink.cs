namespace RagLab.AppHost.Stack;

public static class DashboardLink
{
    /// <summary>
    /// Hands the web UI the dashboard's address (the AppHost's own <c>ASPNETCORE_URLS</c>, from its launch profile), so its
    /// status panel can link to it. Nothing is passed when the AppHost has no such address (e.g. under the testing builder).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardLink(this IResourceBuilder<ProjectResource> web)
    {
        var urls = web.ApplicationBuilder.Configuration["ASPNETCORE_URLS"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var dashboard = urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault();
        return dashboard is null ? web : web.WithEnvironment("RagLab__Web__DashboardUrl", dashboard);
    }
}
