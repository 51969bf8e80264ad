using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;
using RagLab.Infrastructure.Access;

namespace RagLab.Api.Access;

/// <summary>Options of the API key scheme: the keys it accepts.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    public const string Scheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    public IReadOnlyList<ApiKeyOptions> Keys { get; set; } = [];
}

/// <summary>
/// Authenticates a request by its <c>X-Api-Key</c> header: the caller is the key's name, with its role and its document groups
/// as claims. No header: no result (another scheme may still authenticate the request).
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing keys)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyAuthenticationOptions.HeaderName, out var values)) return Task.FromResult(AuthenticateResult.NoResult());
        var key = values.Count == 1 ? keys.Find(values[0]!, Options.Keys) : null;
        if (key is null) return Task.FromResult(AuthenticateResult.Fail($"The {ApiKeyAuthenticationOptions.HeaderName} header holds no valid API key."));

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, key.Name),
                new Claim(ClaimTypes.Role, key.Role.Trim().ToLowerInvariant()),
                .. key.Groups.Select(g => new Claim(RagLabClaimTypes.Group, g)),
            ],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}

/// <summary>
/// Finds the configured key a secret belongs to. The name inside the secret selects the one entry to check; a verified secret is
/// remembered by its SHA-256, so a client's later requests cost no key derivation (at most one entry per configured key).
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly ConcurrentDictionary<string, ApiKeyOptions> _verified = new(StringComparer.Ordinal);

    public ApiKeyOptions? Find(string secret, IReadOnlyList<ApiKeyOptions> keys)
    {
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        if (_verified.TryGetValue(fingerprint, out var known) && keys.Contains(known)) return known;

        var name = ApiKeySecret.NameOf(secret);
        var key = name is null ? null : keys.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.Ordinal));
        if (key is null || !ApiKeySecret.TryParse(key.Hash, out var hash, out _) || !ApiKeySecret.Verify(secret, hash)) return null;
        _verified[fingerprint] = key;
        return key;
    }
}
