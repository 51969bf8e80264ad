using Microsoft.Extensions.Configuration;

namespace RagLab.ServiceDefaults;

/// <summary>
/// Turns logical service addresses such as <c>http://api</c> or <c>https+http://api</c> into real ones, the way
/// Aspire service discovery does, without Microsoft.Extensions.ServiceDiscovery (not restorable on our build machines).
/// </summary>
/// <remarks>
/// Lookup order for service <c>api</c>:
/// <list type="number">
/// <item>Aspire's injected endpoints <c>services:api:https:0</c> / <c>services:api:http:0</c>, in the order the scheme
/// asks for (<c>https+http</c> = https first, then http; <c>http</c> = http only; <c>https</c> = https only).</item>
/// <item>An explicit base URL <c>RagLab:Endpoints:api</c> (env <c>RagLab__Endpoints__api</c>), for running without the AppHost.</item>
/// </list>
/// Addresses with a normal scheme and no configured service (e.g. <c>http://localhost:11434</c>) pass through unchanged.
/// </remarks>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    /// <summary>Configuration section holding explicit base URLs per service name.</summary>
    public const string ExplicitEndpointsSection = "RagLab:Endpoints";

    /// <summary>
    /// Resolves <paramref name="uri"/>. Returns false when the URI names a service (or uses a <c>+</c> scheme) that no
    /// configuration describes; the caller then cannot send the request.
    /// </summary>
    public bool TryResolve(Uri uri, out Uri resolved)
    {
        ArgumentNullException.ThrowIfNull(uri);
        resolved = uri;
        if (!uri.IsAbsoluteUri)
        {
            return true;
        }

        var schemes = uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries);
        var serviceName = uri.IdnHost;

        foreach (var scheme in schemes)
        {
            var endpoint = configuration[$"services:{serviceName}:{scheme}:0"];
            if (TryCombine(endpoint, uri, out resolved))
            {
                return true;
            }
        }

        if (TryCombine(configuration[$"{ExplicitEndpointsSection}:{serviceName}"], uri, out resolved))
        {
            return true;
        }

        resolved = uri;
        // A single ordinary scheme with nothing configured is a normal address, not a service name.
        return schemes.Length == 1 && IsHttpScheme(uri.Scheme);
    }

    /// <summary>Resolves <paramref name="uri"/> or throws with the settings that would make it resolvable.</summary>
    /// <exception cref="InvalidOperationException">No endpoint is configured for the service.</exception>
    public Uri Resolve(Uri uri)
    {
        if (TryResolve(uri, out var resolved))
        {
            return resolved;
        }

        var serviceName = uri.IdnHost;
        throw new InvalidOperationException(
            $"No endpoint is configured for service '{serviceName}' (requested '{uri}'). Start the app through the Aspire AppHost " +
            $"(dotnet run --project AppHost), or set {ExplicitEndpointsSection}:{serviceName} " +
            $"(environment variable RagLab__Endpoints__{serviceName}) to its base URL, for example http://localhost:5080.");
    }

    private static bool TryCombine(string? endpoint, Uri original, out Uri combined)
    {
        combined = original;
        if (string.IsNullOrWhiteSpace(endpoint)
            || !Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var baseUri)
            || !IsHttpScheme(baseUri.Scheme))
        {
            return false;
        }

        // Keep the request's path and query; prepend any path base the endpoint carries (e.g. http://host/raglab/).
        var basePath = baseUri.AbsolutePath.TrimEnd('/');
        var builder = new UriBuilder(baseUri.Scheme, baseUri.Host, baseUri.Port)
        {
            Path = basePath + original.AbsolutePath,
            Query = original.Query.TrimStart('?'),
            Fragment = original.Fragment.TrimStart('#'),
        };
        combined = builder.Uri;
        return true;
    }

    private static bool IsHttpScheme(string scheme) =>
        scheme.Equals(Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) || scheme.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
}
