using System.Globalization;
using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>What a RESP reply holds. RESP3-only types are mapped onto these too.</summary>
public enum RedisValueKind { Null, SimpleString, BulkString, Integer, Double, Boolean, BigNumber, Array, Map, Set, Error }

/// <summary>One Redis reply (or one element of an aggregate reply).</summary>
public sealed class RedisValue
{
    private static readonly IReadOnlyList<RedisValue> NoItems = [];

    private readonly byte[]? bytes;
    private readonly long integer;
    private readonly double number;
    private readonly IReadOnlyList<RedisValue>? items;

    private RedisValue(RedisValueKind kind, byte[]? bytes = null, long integer = 0, double number = 0, IReadOnlyList<RedisValue>? items = null)
    {
        Kind = kind;
        this.bytes = bytes;
        this.integer = integer;
        this.number = number;
        this.items = items;
    }

    public static readonly RedisValue Null = new(RedisValueKind.Null);
    public static readonly RedisValue Ok = SimpleString("OK");

    public static RedisValue SimpleString(string text) => new(RedisValueKind.SimpleString, Encoding.UTF8.GetBytes(text));
    public static RedisValue Bulk(byte[] data) => new(RedisValueKind.BulkString, data);
    public static RedisValue Integer(long value) => new(RedisValueKind.Integer, integer: value);
    public static RedisValue Double(double value) => new(RedisValueKind.Double, number: value);
    public static RedisValue Boolean(bool value) => new(RedisValueKind.Boolean, integer: value ? 1 : 0);
    public static RedisValue BigNumber(string digits) => new(RedisValueKind.BigNumber, Encoding.ASCII.GetBytes(digits));
    public static RedisValue Error(string message) => new(RedisValueKind.Error, Encoding.UTF8.GetBytes(message));
    public static RedisValue Array(IReadOnlyList<RedisValue> elements) => new(RedisValueKind.Array, items: elements);
    public static RedisValue Set(IReadOnlyList<RedisValue> elements) => new(RedisValueKind.Set, items: elements);

    /// <summary>A RESP3 map; <paramref name="keysAndValues"/> alternates key, value.</summary>
    public static RedisValue Map(IReadOnlyList<RedisValue> keysAndValues) => new(RedisValueKind.Map, items: keysAndValues);

    public RedisValueKind Kind { get; }

    public bool IsNull => Kind == RedisValueKind.Null;

    public bool IsAggregate => Kind is RedisValueKind.Array or RedisValueKind.Map or RedisValueKind.Set;

    /// <summary>Elements of an array or set; keys and values alternating for a map; empty for null and scalars.</summary>
    public IReadOnlyList<RedisValue> Items => items ?? NoItems;

    public RedisValue this[int index] => Items[index];

    /// <summary>The raw bytes of a string, or null for a null reply.</summary>
    public byte[]? AsBytes() => Kind switch
    {
        RedisValueKind.Null => null,
        RedisValueKind.SimpleString or RedisValueKind.BulkString or RedisValueKind.BigNumber or RedisValueKind.Error => bytes,
        _ => Encoding.UTF8.GetBytes(AsString()!),
    };

    /// <summary>The reply as text (numbers formatted invariantly); null for a null reply.</summary>
    public string? AsString() => Kind switch
    {
        RedisValueKind.Null => null,
        RedisValueKind.SimpleString or RedisValueKind.BulkString or RedisValueKind.BigNumber or RedisValueKind.Error => Encoding.UTF8.GetString(bytes!),
        RedisValueKind.Integer => integer.ToString(CultureInfo.InvariantCulture),
        RedisValueKind.Double => number.ToString("R", CultureInfo.InvariantCulture),
        RedisValueKind.Boolean => integer != 0 ? "true" : "false",
        _ => throw new InvalidOperationException($"A Redis {Kind} reply is not a string."),
    };

    /// <exception cref="InvalidOperationException">The reply is not a number.</exception>
    public long AsInt64() => Kind switch
    {
        RedisValueKind.Integer or RedisValueKind.Boolean => integer,
        RedisValueKind.SimpleString or RedisValueKind.BulkString or RedisValueKind.BigNumber
            when long.TryParse(bytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new InvalidOperationException($"The Redis reply {this} is not an integer."),
    };

    public double AsDouble() => Kind switch
    {
        RedisValueKind.Double => number,
        RedisValueKind.Integer => integer,
        RedisValueKind.SimpleString or RedisValueKind.BulkString
            when double.TryParse(Encoding.UTF8.GetString(bytes!), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new InvalidOperationException($"The Redis reply {this} is not a number."),
    };

    public bool AsBoolean() => Kind switch
    {
        RedisValueKind.Boolean or RedisValueKind.Integer => integer != 0,
        _ => throw new InvalidOperationException($"The Redis reply {this} is not a boolean."),
    };

    /// <summary>
    /// Field/value pairs from a RESP3 map or a RESP2 flat array (HGETALL, CONFIG GET); string keys.
    /// </summary>
    public IReadOnlyDictionary<string, RedisValue> AsDictionary()
    {
        if (Kind is not (RedisValueKind.Map or RedisValueKind.Array or RedisValueKind.Null) || Items.Count % 2 != 0)
            throw new InvalidOperationException($"The Redis reply {this} is not a list of field/value pairs.");
        var result = new Dictionary<string, RedisValue>(Items.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i < Items.Count; i += 2)
            result[Items[i].AsString() ?? ""] = Items[i + 1];
        return result;
    }

    public override string ToString() => Kind switch
    {
        RedisValueKind.Null => "(nil)",
        RedisValueKind.Error => $"(error) {AsString()}",
        RedisValueKind.Array or RedisValueKind.Set or RedisValueKind.Map =>
            $"{Kind.ToString().ToLowerInvariant()}[{string.Join(", ", Items.Select(item => item.ToString()))}]",
        _ => AsString()!,
    };
}
