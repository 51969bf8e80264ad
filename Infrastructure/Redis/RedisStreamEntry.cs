using RagLab.Core.Kernel;
namespace RagLab.Infrastructure.Redis;

/// <summary>One entry of a Redis stream: its id (e.g. <c>1718000000000-0</c>) and its field/value pairs.</summary>
public sealed record RedisStreamEntry(string Id, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>Parses <c>[id, [field, value, …]]</c>; null when the entry was deleted (Redis then sends nil fields).</summary>
    internal static RedisStreamEntry? FromReply(RedisValue entry)
    {
        if (entry.IsNull || entry.Items.Count < 2 || entry[1].IsNull) return null;
        var fields = entry[1].AsDictionary().ToDictionary(pair => pair.Key, pair => pair.Value.AsString() ?? "", StringComparer.Ordinal);
        return new RedisStreamEntry(entry[0].AsString()!, fields);
    }

    internal static IReadOnlyList<RedisStreamEntry> ListFromReply(RedisValue entries) =>
        entries.Items.Select(FromReply).OfType<RedisStreamEntry>().ToList();
}
