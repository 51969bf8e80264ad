using System.Text.Json;

namespace RagLab.Core.Evaluation.Llm;

/// <summary>
/// Pulls a JSON value out of a model's reply, which may wrap it in prose or a ```json fence, use trailing commas or comments.
/// Prefers a ```json fence, then the first balanced {...} object that parses, then the first [...] array that parses
/// (objects first, because prose often holds bracketed text such as "[1]").
/// </summary>
public static class LlmJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <returns>The parsed element (cloned, safe to keep), or null when the reply holds no valid JSON object or array.</returns>
    public static JsonElement? Extract(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply)) return null;
        var fence = reply.IndexOf("```json", StringComparison.OrdinalIgnoreCase);
        if (fence >= 0)
        {
            var close = reply.IndexOf("```", fence + 7, StringComparison.Ordinal);
            var fenced = close < 0 ? reply[(fence + 7)..] : reply[(fence + 7)..close];
            if ((FirstBlock(fenced, '{') ?? FirstBlock(fenced, '[')) is { } inFence) return inFence;
        }
        return FirstBlock(reply, '{') ?? FirstBlock(reply, '[');
    }

    private static JsonElement? FirstBlock(string reply, char opener)
    {
        for (var start = 0; start < reply.Length; start++)
        {
            if (reply[start] != opener) continue;
            var end = MatchingClose(reply, start);
            if (end < 0) continue;
            try
            {
                using var document = JsonDocument.Parse(reply.AsMemory(start, end - start + 1), Options);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not JSON after all (e.g. "[1]" in prose); keep looking.
            }
        }
        return null;
    }

    /// <summary>A property by name, ignoring case; null when absent or the element is not an object.</summary>
    public static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in element.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        return null;
    }

    public static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>Index of the bracket closing the one at <paramref name="start"/>, skipping brackets inside strings; -1 if unbalanced.</summary>
    private static int MatchingClose(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '{' or '[': depth++; break;
                case '}' or ']':
                    depth--;
                    if (depth == 0) return i;
                    break;
            }
        }
        return -1;
    }
}
