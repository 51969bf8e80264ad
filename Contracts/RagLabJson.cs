using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagLab.Contracts;

/// <summary>The serializer settings of the wire: camelCase names, enums as camelCase strings, nulls omitted.</summary>
public static class RagLabJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the wire settings to options a host owns (the Api's, a client's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
