namespace RagLab.Web.Api;

/// <summary>
/// Sends the lab's API key in <c>X-Api-Key</c> with every request to the Api, which needs it when it runs in shared mode.
/// The key is <c>RagLab:ApiKey</c> (under the AppHost, the environment variable <c>RagLab__ApiKey</c>); without one nothing
/// is sent, as a local Api expects.
/// </summary>
public sealed class ApiKeyHandler(IConfiguration configuration) : DelegatingHandler
{
    public const string HeaderName = "X-Api-Key";
    public const string ConfigurationKey = "RagLab:ApiKey";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Read per request, so a key rotated in configuration is used without a restart.
        if (configuration[ConfigurationKey]?.Trim() is { Length: > 0 } key)
        {
            request.Headers.Remove(HeaderName);
            request.Headers.Add(HeaderName, key);
        }
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>Refuses, at start-up, a key that cannot be a header value; otherwise every page would fail on its first call.</summary>
    /// <exception cref="InvalidOperationException">The key holds a control character.</exception>
    public static void Validate(IConfiguration configuration)
    {
        if (configuration[ConfigurationKey]?.Trim() is { } key && key.Any(char.IsControl))
            throw new InvalidOperationException($"{ConfigurationKey} holds a control character (a line break?), so it cannot be sent as the {HeaderName} header: set it again without one.");
    }
}
