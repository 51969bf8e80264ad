using System.Text.Json;
using RagLab.Web.Api;

namespace RagLab.Web;

/// <summary>What a GET of a feature's route found: the route does not exist yet (404), or the JSON it returned.</summary>
public sealed record FeatureProbe(bool Available, JsonElement Body)
{
    public static FeatureProbe NotAvailable { get; } = new(false, default);
}

public sealed partial class RagLabApiClient
{
    /// <summary>
    /// GETs a route of a feature that another part of the lab may not have yet (the fine-tuning API: <c>/api/finetunes</c>,
    /// <c>/api/datasets</c>, <c>/api/models</c>). A 404 from the route itself means "not available"; other failures throw.
    /// </summary>
    public async Task<FeatureProbe> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
            return new FeatureProbe(true, await ReadAsync<JsonElement>(response, cancellationToken));
        }
        catch (ApiException ex) when (ex.IsNotFound)
        {
            return FeatureProbe.NotAvailable;
        }
    }
}
