using System.Text.Json.Nodes;
using RagLab.Core.Kernel;

namespace RagLab.Testing;

/// <summary>Qdrant's <c>Filter</c> (must / should / must_not) over <c>FieldCondition</c>s with <c>match.value</c>, and nested filters.</summary>
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
        if (!condition.ContainsKey("key"))
        {
            Validate(condition);
            return;
        }
        FakeQdrantSchema.Object(condition, "FieldCondition", FakeQdrantSchema.FieldCondition, "key");
        if (condition["match"] is null) throw FakeQdrantException.BadRequest("The fake Qdrant implements only match conditions");
        FakeQdrantSchema.Object(condition["match"], "MatchValue", FakeQdrantSchema.MatchValue, "value");
    }

    private static bool ConditionMatches(JsonObject condition, JsonObject payload)
    {
        if (!condition.ContainsKey("key")) return Matches(condition, payload);
        var expected = condition["match"]!["value"]!.ToJsonString();
        return payload[condition["key"]!.GetValue<string>()] switch
        {
            null => false,
            JsonArray values => values.Any(v => v?.ToJsonString() == expected),
            var value => value.ToJsonString() == expected,
        };
    }
}
