using System.Globalization;
using System.Text.Json;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>
/// Turns the <c>parameters</c> text of <c>/api/show</c> (Modelfile PARAMETER lines, <c>name value</c> one per line) into the
/// <c>parameters</c> object of <c>/api/create</c>: numbers as numbers, <c>true</c>/<c>false</c> as booleans, quoted text unquoted,
/// and <c>stop</c> (which may repeat) as a list.
/// </summary>
public static class OllamaModelfileParameters
{
    public static Dictionary<string, object> Parse(string? text)
    {
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var space = line.IndexOfAny([' ', '\t']);
            if (space <= 0) continue;
            var name = line[..space];
            var value = Value(line[space..].Trim());
            if (name == "stop" || parameters.ContainsKey(name))
            {
                if (parameters.TryGetValue(name, out var existing) && existing is List<object> list) list.Add(value);
                else parameters[name] = existing is null ? new List<object> { value } : new List<object> { existing, value };
            }
            else
            {
                parameters[name] = value;
            }
        }
        return parameters;
    }

    private static object Value(string text)
    {
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            // Ollama writes these quoted the way Go's %q does; JSON string syntax reads them.
            try { return JsonSerializer.Deserialize<string>(text) ?? ""; }
            catch (JsonException) { return text[1..^1]; }
        }
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)) return integer;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return number;
        if (bool.TryParse(text, out var flag)) return flag;
        return text;
    }
}
