namespace RagLab.Web;

internal static class Extensions
{
    /// <summary>Static server-side Razor components, and a typed client for the Api found by service discovery.</summary>
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        // "https+http://api" resolves from services:api:* under Aspire, else from RagLab:Endpoints:api (see ServiceDefaults).
        builder.Services.AddHttpClient<RagLabApiClient>(http => http.BaseAddress = new Uri(builder.Configuration["RagLab:ApiUrl"] ?? "https+http://api"));
        return builder;
    }
}
