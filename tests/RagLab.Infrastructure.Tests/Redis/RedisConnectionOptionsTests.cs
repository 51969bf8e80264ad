using RagLab.Infrastructure.Redis;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void Parses_the_aspire_connection_string()
    {
        var options = RedisConnectionOptions.Parse("localhost:61234,password=s3cr=et,ssl=true");
        Assert.Equal("localhost", options.Host);
        Assert.Equal(61234, options.Port);
        Assert.Equal("s3cr=et", options.Password);
        Assert.True(options.Ssl);
    }

    [Fact]
    public void Uses_the_first_endpoint_and_reads_known_keys_ignoring_unknown_ones()
    {
        var options = RedisConnectionOptions.Parse(" cache-1:7000 , cache-2:7001,user=app,ssl=False,abortConnect=false,connectTimeout=1500,defaultDatabase=3,allowAdmin=true,keepAlive=60 ");
        Assert.Equal("cache-1", options.Host);
        Assert.Equal(7000, options.Port);
        Assert.Equal("app", options.User);
        Assert.False(options.Ssl);
        Assert.False(options.AbortConnect);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(3, options.DefaultDatabase);
    }

    [Fact]
    public void Defaults_the_port_and_accepts_bracketed_ipv6()
    {
        Assert.Equal(6379, RedisConnectionOptions.Parse("redis.internal").Port);
        var ipv6 = RedisConnectionOptions.Parse("[::1]:6380");
        Assert.Equal("::1", ipv6.Host);
        Assert.Equal(6380, ipv6.Port);
    }

    [Theory]
    [InlineData("localhost:notaport,password=x", "localhost:notaport")]
    [InlineData("localhost:70000", "localhost:70000")]
    [InlineData("localhost:6379,ssl=maybe", "ssl=maybe")]
    [InlineData("localhost:6379,connectTimeout=-5", "connectTimeout=-5")]
    [InlineData("localhost:6379,defaultDatabase=x", "defaultDatabase=x")]
    [InlineData(":6379", ":6379")]
    [InlineData("password=only", "no 'host:port'")]
    [InlineData("", "empty")]
    public void Malformed_strings_name_the_offending_part(string connectionString, string expectedInMessage)
    {
        var error = Assert.ThrowsAny<ValidationException>(() => RedisConnectionOptions.Parse(connectionString));
        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public void Error_messages_and_ToString_never_show_the_password()
    {
        var error = Assert.ThrowsAny<ValidationException>(() => RedisConnectionOptions.Parse("localhost:bad,password=hunter2"));
        Assert.DoesNotContain("hunter2", error.Message);
        Assert.DoesNotContain("hunter2", RedisConnectionOptions.Parse("localhost:1,password=hunter2").ToString());
    }
}
