using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RagLab.Infrastructure.Redis;
using StackExchange.Redis;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// <c>ssl=true</c> in <c>ConnectionStrings:cache</c>, as Aspire 13.1 passes it when its Redis serves TLS, against a real
/// redis-server with TLS and a self-signed certificate that the operating system does not trust.
/// </summary>
public sealed class AspireRedisTlsTests : IAsyncLifetime
{
    private AspireStack _stack = null!;

    public async Task InitializeAsync() =>
        _stack = await AspireStack.StartAsync(models: false, vectors: false, new RedisServerSettings(Password: AspireStack.RedisPassword, Tls: true));

    public Task DisposeAsync() => _stack.DisposeAsync().AsTask();

    [Fact]
    public async Task A_pinned_certificate_thumbprint_lets_the_api_cache_answers_over_tls()
    {
        Assert.EndsWith(",ssl=true", _stack.Redis.ConnectionString);
        var thumbprint = _stack.Redis.Certificate!.GetCertHashString(HashAlgorithmName.SHA256);
        var api = _stack.CreateApi(runJobsInProcess: true, new Dictionary<string, string?> { ["RagLab:Redis:CertificateThumbprint"] = thumbprint });
        using var client = api.CreateClient();

        var id = await client.UploadTextAsync("pump.txt", "The pump must be primed with water before the first start.");
        await client.WaitUntilReadyAsync(id);
        Assert.False((await client.AskAsync("How is the pump primed?")).GetProperty("cached").GetBoolean());
        Assert.True((await client.AskAsync("How is the pump primed?")).GetProperty("cached").GetBoolean());
        Assert.NotEmpty(await _stack.RedisKeysAsync("raglab:answer:*"));
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_and_the_api_says_so_instead_of_accepting_it()
    {
        var api = _stack.CreateApi(runJobsInProcess: true);
        using var client = api.CreateClient();

        // Answers still work (cache bypassed); the health report names the TLS failure.
        var answer = await client.AskAsync("How is the pump primed?");
        Assert.False(answer.GetProperty("cached").GetBoolean());
        var health = await client.GetJsonAsync("/health");
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var thumbprint = _stack.Redis.Certificate!.GetCertHashString(HashAlgorithmName.SHA256);
        Assert.Contains($"RagLab:Redis:CertificateThumbprint={thumbprint}", health.GetRawText());
        Assert.Empty(await _stack.RedisKeysAsync("raglab:answer:*"));
    }

    [Fact]
    public async Task A_certificate_that_chains_to_the_development_certificate_is_accepted_on_loopback_only()
    {
        // Stands in for the ASP.NET Core development certificate Aspire gives its Redis container.
        X509Certificate2Collection developmentCertificates = [_stack.Redis.Certificate!];

        await using (var client = await ConnectionMultiplexer.ConnectAsync(Options(RedisCertificateValidation.Create("127.0.0.1", null, () => developmentCertificates))))
            await client.GetDatabase().PingAsync();

        string? refused = null;
        await using (var client = await ConnectionMultiplexer.ConnectAsync(Options(RedisCertificateValidation.Create("127.0.0.1", null, () => [], t => refused = t))))
            await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetDatabase().PingAsync());
        Assert.Equal(_stack.Redis.Certificate!.GetCertHashString(HashAlgorithmName.SHA256), refused);

        // A remote host never gets the development-certificate exception, even with the same certificate.
        var validation = RedisCertificateValidation.Create("redis.example.com", null, () => developmentCertificates);
        Assert.False(validation(this, _stack.Redis.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(RedisCertificateValidation.Create("redis.example.com", _stack.Redis.Certificate!.GetCertHashString(), () => [])
            (this, _stack.Redis.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    /// <summary>The connection string as Aspire passes it, with RagLab's defaults and the given certificate check only.</summary>
    private ConfigurationOptions Options(System.Net.Security.RemoteCertificateValidationCallback validation)
    {
        var options = ConfigurationOptions.Parse(_stack.Redis.ConnectionString).ApplyRagLabDefaults();
        options.ConnectTimeout = 15_000;
        options.CertificateValidation += validation;
        return options;
    }
}
