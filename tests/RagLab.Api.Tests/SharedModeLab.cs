using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using RagLab.Api.Infrastructure;
using RagLab.Infrastructure.Access;

namespace RagLab.Api.Tests;

/// <summary>
/// The Api in shared mode: three API keys (reader of group hr, writer of hr, admin) and bearer tokens from an identity provider
/// whose discovery document is replaced by a fixed one holding a test signing key (nothing is fetched). <c>/test/caller</c>
/// answers who the request was authenticated as and the <see cref="Core.Kernel.ReaderScope"/> it gets.
/// </summary>
public sealed class SharedModeLab : IDisposable
{
    public const string Issuer = "https://login.raglab.test/realms/lab";
    public const string Audience = "raglab-api";
    public const string CallerPath = "/test/caller";

    private readonly TempDirectory _data = new();
    private readonly SymmetricSecurityKey _signingKey = new(RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };

    public SharedModeLab(IDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RagLab:Access:Mode"] = "shared",
            ["RagLab:Access:Jwt:Authority"] = Issuer,
            ["RagLab:Access:Jwt:Audience"] = Audience,
        };
        var keys = new[] { ("reading", "reader", new[] { "hr" }), ("writing", "writer", new[] { "hr" }), ("admin", "admin", Array.Empty<string>()) };
        for (var i = 0; i < keys.Length; i++)
        {
            var (name, role, groups) = keys[i];
            var (secret, hash) = ApiKeySecret.Create(name);
            Secrets[role] = secret;
            settings[$"RagLab:Access:Keys:{i}:Name"] = name;
            settings[$"RagLab:Access:Keys:{i}:Hash"] = hash;
            settings[$"RagLab:Access:Keys:{i}:Role"] = role;
            for (var g = 0; g < groups.Length; g++) settings[$"RagLab:Access:Keys:{i}:Groups:{g}"] = groups[g];
        }
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;

        var provider = new OpenIdConnectConfiguration { Issuer = Issuer };
        provider.SigningKeys.Add(_signingKey);
        Factory = new RagLabApiFactory(_data.Path, settings: settings)
        {
            TestServices = services =>
            {
                services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
                    options => options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(provider));
                services.AddSingleton<IStartupFilter, CallerEndpoint>();
            },
        };
    }

    public RagLabApiFactory Factory { get; }

    public string DataDirectory => _data.Path;

    /// <summary>The API key secret of each role: reader, writer, admin.</summary>
    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>A client sending no credential at all.</summary>
    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient WithKey(string secret)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", secret);
        return client;
    }

    public HttpClient WithToken(string token)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A token as the provider would issue it, signed with the test key unless another key is given.</summary>
    public string Token(string subject, string[] roles, string[] groups, DateTime? expires = null, string audience = Audience, SecurityKey? signedWith = null)
    {
        var end = expires ?? DateTime.UtcNow.AddMinutes(30);
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["name"] = subject, ["groups"] = groups };
        if (roles.Length > 0) claims["roles"] = roles;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = end.AddHours(-1),
            NotBefore = end.AddHours(-1),
            Expires = end,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signedWith ?? _signingKey, SecurityAlgorithms.HmacSha256),
        });
    }

    public void Dispose()
    {
        Factory.Dispose();
        _data.Dispose();
    }

    /// <summary>Answers <see cref="CallerPath"/> after the Api's pipeline (so after authentication) with the caller's name and view.</summary>
    private sealed class CallerEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(async context =>
            {
                if (context.Request.Path != CallerPath)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await context.Response.WriteAsJsonAsync(new { name = context.User.Identity?.Name, scope = context.ReaderScope().Key });
            });
        };
    }
}
