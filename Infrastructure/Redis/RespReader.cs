using System.Globalization;
using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>
/// Reads RESP2 and RESP3 replies from a stream. Errors come back as <see cref="RedisValueKind.Error"/> values
/// (the connection turns top-level ones into <see cref="RedisServerException"/>); out-of-band RESP3 push messages and
/// attributes are skipped because no RagLab command asks for them.
/// </summary>
public sealed class RespReader(Stream stream, int bufferSize = 16 * 1024)
{
    private const int MaxBulkLength = 512 * 1024 * 1024; // Redis's own proto-max-bulk-len default
    private readonly byte[] buffer = new byte[bufferSize];
    private int position;
    private int length;

    /// <summary>Reads one complete reply.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    /// <exception cref="RedisProtocolException">The bytes are not RESP.</exception>
    public async ValueTask<RedisValue> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var type = await ReadByteAsync(cancellationToken);
            var line = await ReadLineAsync(cancellationToken);
            switch ((char)type)
            {
                case '+': return RedisValue.SimpleString(line);
                case '-': return RedisValue.Error(line);
                case ':': return RedisValue.Integer(ParseInteger(line));
                case '$':
                {
                    var size = ParseLength(line);
                    return size < 0 ? RedisValue.Null : RedisValue.Bulk(await ReadBulkAsync(size, cancellationToken));
                }
                case '=': // RESP3 verbatim string: "txt:" or "mkd:" then the text
                {
                    var text = await ReadBulkAsync(ParseLength(line), cancellationToken);
                    return RedisValue.Bulk(text.Length >= 4 && text[3] == ':' ? text[4..] : text);
                }
                case '!': // RESP3 bulk error
                    return RedisValue.Error(Encoding.UTF8.GetString(await ReadBulkAsync(ParseLength(line), cancellationToken)));
                case '*':
                {
                    var count = ParseLength(line);
                    return count < 0 ? RedisValue.Null : RedisValue.Array(await ReadItemsAsync(count, cancellationToken));
                }
                case '~': return RedisValue.Set(await ReadItemsAsync(ParseLength(line), cancellationToken));
                case '%': return RedisValue.Map(await ReadItemsAsync(checked(ParseLength(line) * 2), cancellationToken));
                case '_': return RedisValue.Null;
                case '#':
                    return line switch
                    {
                        "t" => RedisValue.Boolean(true),
                        "f" => RedisValue.Boolean(false),
                        _ => throw new RedisProtocolException($"Invalid RESP boolean '{line}'."),
                    };
                case ',': return RedisValue.Double(ParseDouble(line));
                case '(': return RedisValue.BigNumber(line);
                case '|': // attributes describe the next reply; skip them, then read that reply
                    await ReadItemsAsync(checked(ParseLength(line) * 2), cancellationToken);
                    continue;
                case '>': // push (pub/sub, client tracking): not a reply to a command
                    await ReadItemsAsync(ParseLength(line), cancellationToken);
                    continue;
                default:
                    throw new RedisProtocolException($"Unknown RESP type byte 0x{type:x2} ('{(char)type}').");
            }
        }
    }

    private async ValueTask<RedisValue[]> ReadItemsAsync(int count, CancellationToken cancellationToken)
    {
        var items = new RedisValue[count];
        for (var i = 0; i < count; i++)
            items[i] = await ReadAsync(cancellationToken);
        return items;
    }

    private async ValueTask<byte> ReadByteAsync(CancellationToken cancellationToken)
    {
        if (position == length) await FillAsync(cancellationToken);
        return buffer[position++];
    }

    /// <summary>Reads up to CRLF (consumed, not returned).</summary>
    private async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var builder = new List<byte>(32);
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', position, length - position);
            if (newline >= 0)
            {
                builder.AddRange(buffer.AsSpan(position, newline - position));
                position = newline + 1;
                if (builder.Count == 0 || builder[^1] != '\r')
                    throw new RedisProtocolException("A RESP line did not end with CRLF.");
                return Encoding.UTF8.GetString(builder.ToArray(), 0, builder.Count - 1);
            }
            builder.AddRange(buffer.AsSpan(position, length - position));
            position = length;
            if (builder.Count > 64 * 1024) throw new RedisProtocolException("A RESP line is longer than 64 KiB.");
            await FillAsync(cancellationToken);
        }
    }

    private async ValueTask<byte[]> ReadBulkAsync(int size, CancellationToken cancellationToken)
    {
        var data = new byte[size];
        var copied = 0;
        while (copied < size)
        {
            if (position == length) await FillAsync(cancellationToken);
            var chunk = Math.Min(size - copied, length - position);
            Buffer.BlockCopy(buffer, position, data, copied, chunk);
            position += chunk;
            copied += chunk;
        }
        if (await ReadByteAsync(cancellationToken) != '\r' || await ReadByteAsync(cancellationToken) != '\n')
            throw new RedisProtocolException("A RESP bulk string did not end with CRLF.");
        return data;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        position = 0;
        length = await stream.ReadAsync(buffer, cancellationToken);
        if (length == 0) throw new EndOfStreamException("Redis closed the connection.");
    }

    private static long ParseInteger(string line) =>
        long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RedisProtocolException($"Invalid RESP integer '{line}'.");

    private static int ParseLength(string line)
    {
        var value = ParseInteger(line);
        if (value < -1 || value > MaxBulkLength) throw new RedisProtocolException($"Invalid RESP length {value}.");
        return (int)value;
    }

    private static double ParseDouble(string line) => line switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RedisProtocolException($"Invalid RESP double '{line}'."),
    };
}
