namespace RagLab.ServiceDefaults;

/// <summary>
/// Rewrites each request's URI through <see cref="ServiceEndpointResolver"/>, so
/// <c>new HttpClient { BaseAddress = new("https+http://api") }</c> reaches the API as it would under Aspire service discovery.
/// </summary>
public sealed class ServiceEndpointRewritingHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = resolver.Resolve(uri);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
