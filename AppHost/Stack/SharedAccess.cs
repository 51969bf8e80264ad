using Microsoft.Extensions.Configuration;

namespace RagLab.AppHost.Stack;

/// <summary>
/// <c>RagLab:Access:Mode=shared</c> given to the AppHost: the Api authenticates every request (RagLab:Access:* passed on as it is:
/// key entries hold only hashes), and the Web calls it with the secret parameter <c>raglab-api-key</c>, a key from
/// <c>raglab keys create</c> whose entry is among RagLab:Access:Keys. Set the secret in the AppHost's user secrets
/// (<c>Parameters:raglab-api-key</c>), never in a file of the repository; the dashboard asks for it when it is missing.
/// </summary>
public static class SharedAccess
{
    public const string ApiKeyParameter = "raglab-api-key";

    public static bool IsShared(IConfiguration configuration) =>
        string.Equals(configuration["RagLab:Access:Mode"]?.Trim(), "shared", StringComparison.OrdinalIgnoreCase);

    /// <summary>In local mode (the default) nothing is added: the lab answers loopback only and nobody signs in.</summary>
    public static void Wire(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api, IResourceBuilder<ProjectResource> web)
    {
        if (!IsShared(builder.Configuration)) return;
        foreach (var (key, value) in builder.Configuration.GetSection("RagLab:Access").AsEnumerable())
            if (!string.IsNullOrEmpty(value)) api.WithEnvironment(key.Replace(":", "__"), value);
        var apiKey = builder.AddParameter(ApiKeyParameter, secret: true);
        web.WithEnvironment("RagLab__ApiKey", apiKey);
    }
}
