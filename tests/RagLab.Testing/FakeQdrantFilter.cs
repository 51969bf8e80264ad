using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagLab.Testing;

/// <summary>
/// Qdrant's <c>Filter</c> (must / should / must_not) over <c>FieldCondition</c>s with <c>match.value</c> or <c>match.any</c>,
/// <c>IsEmptyCondition</c>s, and nested filters, as reference/qdrant/openapi.json defines them.
/// </summary>
public static class FakeQdrantFilter
{
    public static JsonObject Validate(JsonNode? node)
    {
        var filter = FakeQdrantSchema.Object(node, "Filter", FakeQdrantSchema.Filter);
        foreach (var clause in new[] { "must", "should", "must_not" })
        {
            foreach (var condition in Conditions(filter[clause])) ValidateCondition(condition);
        }
        if (filter["min_should"] is not null) throw FakeQdrantException.BadRequest("The fake Qdrant does not implement min_should");
        return filter;
    }

    public static bool Matches(JsonObject? filter, JsonObject payload)
    {
        if (filter is null) return true;
        var must = Conditions(filter["must"]).All(c => ConditionMatches(c, payload));
        var should = Conditions(filter["should"]).ToList();
        var anyShould = should.Count == 0 || should.Any(c => ConditionMatches(c, payload));
        var none = !Conditions(filter["must_not"]).Any(c => ConditionMatches(c, payload));
        return must && anyShould && none;
    }

    private static IEnumerable<JsonObject> Conditions(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(e => e as JsonObject ?? throw FakeQdrantException.BadRequest("Format error in JSON body: a condition must be an object")),
        JsonObject single => [single],
        _ => throw FakeQdrantException.BadRequest("Format error in JSON body: conditions must be an object or an array"),
    };

    private static void ValidateCondition(JsonObject condition)
    {
        if (condition.ContainsKey("is_empty") && !condition.ContainsKey("key"))
        {
            var isEmpty = FakeQdrantSchema.Object(condition, "IsEmptyCondition", FakeQdrantSchema.IsEmptyCondition, "is_empty");
            FakeQdrantSchema.Object(isEmpty["is_empty"], "PayloadField", FakeQdrantSchema.PayloadField, "key");
            return;
        }
        if (!condition.ContainsKey("key"))
        {
            Validate(condition);
            return;
        }
        FakeQdrantSchema.Object(condition, "FieldCondition", FakeQdrantSchema.FieldCondition, "key");
        if (condition["match"] is not JsonObject match) throw FakeQdrantException.BadRequest("The fake Qdrant implements only match conditions");
        if (match.ContainsKey("any"))
        {
            FakeQdrantSchema.Object(match, "MatchAny", FakeQdrantSchema.MatchAny, "any");
            // AnyVariants: an array of unique strings, or of unique integers.
            if (match["any"] is not JsonArray values
                || !(values.All(v => v is JsonValue s && s.GetValueKind() == JsonValueKind.String) || values.All(v => v is JsonValue n && n.GetValueKind() == JsonValueKind.Number))
                || values.Select(v => v!.ToJsonString()).Distinct().Count() != values.Count)
                throw FakeQdrantException.BadRequest("Format error in JSON body: match.any must be an array of unique strings or of unique integers");
            return;
        }
        FakeQdrantSchema.Object(match, "MatchValue", FakeQdrantSchema.MatchValue, "value");
    }

    private static bool ConditionMatches(JsonObject condition, JsonObject payload)
    {
        if (condition["is_empty"] is JsonObject field && !condition.ContainsKey("key"))
        {
            // Qdrant: a field that is missing, null or an empty array is empty.
            return payload[field["key"]!.GetValue<string>()] switch
            {
                null => true,
                JsonArray values => values.Count == 0,
                _ => false,
            };
        }
        if (!condition.ContainsKey("key")) return Matches(condition, payload);
        var match = condition["match"]!.AsObject();
        var expected = match["any"] is JsonArray any
            ? any.Select(v => v!.ToJsonString()).ToHashSet()
            : [match["value"]!.ToJsonString()];
        // An array field matches when any of its values does.
        return payload[condition["key"]!.GetValue<string>()] switch
        {
            null => false,
            JsonArray values => values.Any(v => v is not null && expected.Contains(v.ToJsonString())),
            var value => expected.Contains(value.ToJsonString()),
        };
    }
}
