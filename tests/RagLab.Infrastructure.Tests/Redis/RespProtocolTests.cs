using System.Text;
using RagLab.Infrastructure.Redis;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class RespProtocolTests
{
    private static async Task<RedisValue> ReadOneAsync(string wire, int bufferSize = 16 * 1024)
    {
        var reader = new RespReader(new MemoryStream(Encoding.UTF8.GetBytes(wire)), bufferSize);
        return await reader.ReadAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Reads_resp2_scalars()
    {
        Assert.Equal("OK", (await ReadOneAsync("+OK\r\n")).AsString());
        var error = await ReadOneAsync("-WRONGPASS invalid username-password pair\r\n");
        Assert.Equal(RedisValueKind.Error, error.Kind);
        Assert.Equal("WRONGPASS invalid username-password pair", error.AsString());
        Assert.Equal(-42, (await ReadOneAsync(":-42\r\n")).AsInt64());
        Assert.Equal("héllo\r\nworld", (await ReadOneAsync("$13\r\nhéllo\r\nworld\r\n")).AsString());
        Assert.Equal("", (await ReadOneAsync("$0\r\n\r\n")).AsString());
        Assert.True((await ReadOneAsync("$-1\r\n")).IsNull);
        Assert.True((await ReadOneAsync("*-1\r\n")).IsNull);
    }

    [Fact]
    public async Task Reads_nested_arrays_with_nulls_and_errors_inside()
    {
        var value = await ReadOneAsync("*4\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n-ERR inner\r\n*0\r\n");
        Assert.Equal(RedisValueKind.Array, value.Kind);
        Assert.Equal(1, value[0].AsInt64());
        Assert.Equal("a", value[1][0].AsString());
        Assert.True(value[1][1].IsNull);
        Assert.Equal(RedisValueKind.Error, value[2].Kind);
        Assert.Empty(value[3].Items);
    }

    [Fact]
    public async Task Reads_resp3_types()
    {
        Assert.True((await ReadOneAsync("_\r\n")).IsNull);
        Assert.True((await ReadOneAsync("#t\r\n")).AsBoolean());
        Assert.False((await ReadOneAsync("#f\r\n")).AsBoolean());
        Assert.Equal(3.25, (await ReadOneAsync(",3.25\r\n")).AsDouble());
        Assert.Equal(double.PositiveInfinity, (await ReadOneAsync(",inf\r\n")).AsDouble());
        Assert.Equal("3492890328409238509324850943850943825024385", (await ReadOneAsync("(3492890328409238509324850943850943825024385\r\n")).AsString());
        Assert.Equal("Some string", (await ReadOneAsync("=15\r\ntxt:Some string\r\n")).AsString());
        var bulkError = await ReadOneAsync("!21\r\nSYNTAX invalid syntax\r\n");
        Assert.Equal(RedisValueKind.Error, bulkError.Kind);
        Assert.Equal("SYNTAX invalid syntax", bulkError.AsString());

        var map = await ReadOneAsync("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n");
        Assert.Equal(RedisValueKind.Map, map.Kind);
        var dictionary = map.AsDictionary();
        Assert.Equal(1, dictionary["first"].AsInt64());
        Assert.Equal(2, dictionary["second"].AsInt64());

        var set = await ReadOneAsync("~3\r\n+a\r\n+b\r\n+c\r\n");
        Assert.Equal(RedisValueKind.Set, set.Kind);
        Assert.Equal(["a", "b", "c"], set.Items.Select(item => item.AsString()));
    }

    [Fact]
    public async Task Skips_push_messages_and_attributes_to_return_the_actual_reply()
    {
        Assert.Equal("after", (await ReadOneAsync(">2\r\n+invalidate\r\n*1\r\n+key\r\n+after\r\n")).AsString());
        Assert.Equal(7, (await ReadOneAsync("|1\r\n+ttl\r\n:3600\r\n:7\r\n")).AsInt64());
    }

    [Fact]
    public async Task Reads_consecutive_replies_split_across_tiny_buffer_refills()
    {
        var reader = new RespReader(new MemoryStream(Encoding.UTF8.GetBytes("+PONG\r\n$5\r\nhello\r\n*2\r\n:1\r\n:2\r\n")), bufferSize: 3);
        Assert.Equal("PONG", (await reader.ReadAsync(CancellationToken.None)).AsString());
        Assert.Equal("hello", (await reader.ReadAsync(CancellationToken.None)).AsString());
        Assert.Equal([1L, 2L], (await reader.ReadAsync(CancellationToken.None)).Items.Select(item => item.AsInt64()));
        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":notanumber\r\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData("+missing cr\n")]
    public async Task Rejects_malformed_input(string wire)
    {
        await Assert.ThrowsAsync<RedisProtocolException>(() => ReadOneAsync(wire));
    }

    [Fact]
    public void Encodes_commands_as_arrays_of_bulk_strings()
    {
        var frame = RespWriter.EncodeCommand("SET", ["clé", new byte[] { 0, 255 }, "PX", 1500L]);
        var expected = new List<byte>();
        expected.AddRange(Encoding.UTF8.GetBytes("*5\r\n$3\r\nSET\r\n$4\r\nclé\r\n$2\r\n"));
        expected.AddRange(new byte[] { 0, 255 });
        expected.AddRange(Encoding.UTF8.GetBytes("\r\n$2\r\nPX\r\n$4\r\n1500\r\n"));
        Assert.Equal(expected.ToArray(), frame);
    }

    [Fact]
    public void Rejects_unsupported_argument_types_with_the_command_name()
    {
        var error = Assert.Throws<ArgumentException>(() => RespWriter.EncodeCommand("SET", ["k", new object()]));
        Assert.Contains("SET", error.Message);
    }
}
