using System.Data.Common;

namespace RagLab.Infrastructure.Ollama;

/// <summary>A model on a server: what an Aspire model resource hands a project as <c>Endpoint=http://localhost:PORT;Model=name</c>.</summary>
public sealed record ModelEndpoint(Uri Endpoint, string Model)
{
    private const string Expected = "expected 'Endpoint=http://host:port;Model=name'";

    /// <summary>Parses an Aspire model connection string. Keys are case-insensitive; other keys are ignored.</summary>
    /// <exception cref="FormatException">The string is not <c>key=value</c> pairs, or Endpoint or Model is missing or invalid.</exception>
    public static ModelEndpoint Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            // The value is not echoed: other providers' connection strings carry keys.
            throw new FormatException($"The model connection string is malformed ({ex.Message.Split('\n')[0].Trim()}); {Expected}.", ex);
        }

        var endpoint = builder.TryGetValue("Endpoint", out var e) ? Convert.ToString(e)?.Trim() : null;
        var model = builder.TryGetValue("Model", out var m) ? Convert.ToString(m)?.Trim() : null;
        if (string.IsNullOrEmpty(endpoint))
            throw new FormatException($"The model connection string has no Endpoint; {Expected}.");
        if (string.IsNullOrEmpty(model))
            throw new FormatException($"The model connection string has no Model; {Expected}.");
        return Create(endpoint, model);
    }

    /// <summary>Builds an endpoint from a URL and a model name, checking both.</summary>
    /// <exception cref="FormatException">The URL is not an absolute http(s) URL, or the model name is empty.</exception>
    public static ModelEndpoint Create(string endpoint, string model)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new FormatException($"The model endpoint '{endpoint}' is not an absolute http:// or https:// URL.");
        if (string.IsNullOrWhiteSpace(model))
            throw new FormatException($"No model name is configured for {endpoint}.");
        return new ModelEndpoint(uri, model.Trim());
    }

    public override string ToString() => $"{Model} at {Endpoint}";
}
