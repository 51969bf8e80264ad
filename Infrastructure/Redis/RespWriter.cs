using System.Buffers;
using System.Globalization;
using System.Text;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>Encodes a command as a RESP array of bulk strings, the only form Redis accepts from clients.</summary>
public static class RespWriter
{
    /// <summary>
    /// Arguments may be <see cref="string"/>, <see cref="byte"/>[], <see cref="ReadOnlyMemory{T}"/> of bytes, integers,
    /// doubles or <see cref="TimeSpan"/> (sent as whole milliseconds).
    /// </summary>
    /// <exception cref="ArgumentException">An argument is null or of another type.</exception>
    public static byte[] EncodeCommand(string command, IReadOnlyList<object> args)
    {
        var output = new ArrayBufferWriter<byte>(64 + 16 * args.Count);
        WriteHeader(output, '*', args.Count + 1);
        WriteBulk(output, Encoding.UTF8.GetBytes(command));
        foreach (var arg in args)
            WriteBulk(output, ToBytes(arg, command));
        return output.WrittenSpan.ToArray();
    }

    private static byte[] ToBytes(object arg, string command) => arg switch
    {
        string text => Encoding.UTF8.GetBytes(text),
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> memory => memory.ToArray(),
        int number => Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)),
        long number => Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)),
        double number => Encoding.ASCII.GetBytes(number.ToString("R", CultureInfo.InvariantCulture)),
        TimeSpan span => Encoding.ASCII.GetBytes(((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
        null => throw new ArgumentException($"Redis command {command} has a null argument."),
        _ => throw new ArgumentException($"Redis command {command} has an argument of unsupported type {arg.GetType().Name}."),
    };

    private static void WriteHeader(ArrayBufferWriter<byte> output, char type, int count)
    {
        output.Write([(byte)type]);
        output.Write(Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        output.Write("\r\n"u8);
    }

    private static void WriteBulk(ArrayBufferWriter<byte> output, byte[] data)
    {
        WriteHeader(output, '$', data.Length);
        output.Write(data);
        output.Write("\r\n"u8);
    }
}
