using System.Text.Json.Nodes;

namespace RagLab.Testing;

/// <summary>One request the fake Qdrant received, as it arrived, and the status it answered with.</summary>
/// <param name="Path">The path without the query string, e.g. <c>/collections/raglab-default/points</c>.</param>
/// <param name="Query">The query string including '?', or empty.</param>
/// <param name="ApiKey">The <c>api-key</c> header, or null when absent.</param>
public sealed record FakeQdrantRequest(string Method, string Path, string Query, string Body, string? ApiKey, int StatusCode)
{
    /// <summary>The body parsed as JSON, or null when empty or not JSON.</summary>
    public JsonNode? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Body)) return null;
            try { return JsonNode.Parse(Body); }
            catch (System.Text.Json.JsonException) { return null; }
        }
    }

    public override string ToString() => $"{Method} {Path}{Query} -> {StatusCode}";
}
