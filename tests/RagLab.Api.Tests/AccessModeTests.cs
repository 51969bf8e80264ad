using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using RagLab.Api.Access;

namespace RagLab.Api.Tests;

/// <summary>Shared mode: who may call what, with API keys and bearer tokens; and what the status shows to whom.</summary>
public sealed class AccessModeTests : IDisposable
{
    /// <summary>Probes carry no credentials; these two stay open, nothing else.</summary>
    private static readonly string[] OpenRoutes = ["/health", "/alive"];

    private readonly SharedModeLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task Every_route_needs_a_credential_and_its_role()
    {
        using var anonymous = _lab.Anonymous();
        using var roleless = _lab.WithToken(_lab.Token("guest", roles: [], groups: ["hr"]));
        var byRole = AccessRoles.All.ToDictionary(r => r, r => _lab.WithKey(_lab.Secrets[r]));
        var routes = Routes();
        Assert.True(routes.Count > 40, $"Only {routes.Count} routes found; the enumeration is broken.");

        var failures = new List<string>();
        foreach (var (method, pattern, endpoint) in routes)
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                if (!OpenRoutes.Contains(pattern)) failures.Add($"{method} {pattern} allows anonymous callers.");
                continue;
            }
            var policy = StrictestPolicy(endpoint);
            if (policy is null)
            {
                failures.Add($"{method} {pattern} names no access policy (RequireReader/RequireWriter/RequireAdmin).");
                continue;
            }
            var path = Fill(pattern);
            await Expect(anonymous, method, path, HttpStatusCode.Unauthorized, "no credential", failures);
            await Expect(roleless, method, path, HttpStatusCode.Forbidden, "a token without a role", failures);
            var allowed = AccessPolicies.RolesFor(policy);
            var below = AccessRoles.All.TakeWhile(r => r != allowed[0]).LastOrDefault();
            if (below is not null) await Expect(byRole[below], method, path, HttpStatusCode.Forbidden, $"role {below}", failures);
            using var response = await SendAsync(byRole[allowed[0]], method, path);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                failures.Add($"{method} {pattern} refused role {allowed[0]} with {(int)response.StatusCode}.");
        }
        foreach (var client in byRole.Values) client.Dispose();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void A_reader_may_change_nothing_but_may_search_ask_and_read_reports()
    {
        var readOnlyPosts = new[] { "/api/search", "/api/ask/", "/api/ask/stream", "/api/evalruns/{id}/report" };
        foreach (var (method, pattern, endpoint) in Routes())
        {
            if (method is "GET" or "HEAD" || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
            var policy = StrictestPolicy(endpoint);
            if (readOnlyPosts.Contains(pattern)) Assert.True(policy == AccessPolicies.Reader, $"{method} {pattern} should be open to readers; it needs {policy}.");
            else Assert.True(policy is AccessPolicies.Writer or AccessPolicies.Admin, $"{method} {pattern} changes the lab but needs only {policy}.");
        }
    }

    [Fact]
    public async Task A_refusal_says_what_to_send_or_which_role_is_needed()
    {
        using var anonymous = _lab.Anonymous();
        using var unauthorized = await anonymous.DeleteAsync("/api/documents/some-id");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Contains("X-Api-Key", await unauthorized.Content.ReadAsStringAsync());

        using var reader = _lab.WithKey(_lab.Secrets["reader"]);
        using var forbidden = await reader.DeleteAsync("/api/documents/some-id");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var detail = JsonDocument.Parse(await forbidden.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("writer or admin", detail);
        Assert.Contains("'reading' has reader", detail);
    }

    [Fact]
    public async Task A_wrong_or_forged_key_is_refused()
    {
        var genuine = _lab.Secrets["writer"];
        var forged = genuine[..^1] + (genuine[^1] == 'A' ? "B" : "A");
        foreach (var key in new[] { forged, "raglab_nobody_" + genuine.Split('_')[^1], "not-a-raglab-key", "" })
        {
            using var client = _lab.WithKey(key);
            using var response = await client.GetAsync("/api/documents");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"'{key}' got {(int)response.StatusCode}");
            if (key == forged) Assert.Contains("is not one this lab knows", await response.Content.ReadAsStringAsync());
        }
        using var right = _lab.WithKey(genuine);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/api/documents")).StatusCode);
    }

    [Fact]
    public async Task A_key_carries_its_name_role_and_groups_to_the_retrieval_scope()
    {
        using var reader = _lab.WithKey(_lab.Secrets["reader"]);
        var caller = await reader.GetJsonAsync(SharedModeLab.CallerPath);
        Assert.Equal("reading", caller.GetProperty("name").GetString());
        Assert.Equal("hr", caller.GetProperty("scope").GetString());

        using var admin = _lab.WithKey(_lab.Secrets["admin"]);
        Assert.Equal("*", (await admin.GetJsonAsync(SharedModeLab.CallerPath)).GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_valid_token_works_with_its_roles_and_groups()
    {
        using var ana = _lab.WithToken(_lab.Token("ana", roles: ["writer"], groups: ["hr", "finance"]));
        var caller = await ana.GetJsonAsync(SharedModeLab.CallerPath);
        Assert.Equal("ana", caller.GetProperty("name").GetString());
        Assert.Equal("finance,hr", caller.GetProperty("scope").GetString());

        var id = await ana.UploadTextAsync("policy.md", "# Policy\nRefunds within 30 days.", "hr");
        Assert.False(string.IsNullOrEmpty(id));
        using var bob = _lab.WithToken(_lab.Token("bob", roles: ["reader"], groups: ["hr"]));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/documents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DeleteAsync($"/api/documents/{id}")).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_or_one_for_another_audience_or_signer_is_refused()
    {
        var tokens = new Dictionary<string, string>
        {
            ["expired"] = _lab.Token("ana", ["admin"], [], expires: DateTime.UtcNow.AddHours(-1)),
            ["other audience"] = _lab.Token("ana", ["admin"], [], audience: "some-other-api"),
            ["other signer"] = _lab.Token("ana", ["admin"], [], signedWith: new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" }),
        };
        foreach (var (what, token) in tokens)
        {
            using var client = _lab.WithToken(token);
            using var response = await client.GetAsync("/api/documents");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"An {what} token got {(int)response.StatusCode}");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task The_status_shows_server_paths_to_admins_only()
    {
        using var reader = _lab.WithKey(_lab.Secrets["reader"]);
        using var readerResponse = await reader.GetAsync("/api/status");
        var readerText = await readerResponse.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, readerResponse.StatusCode);
        var dataDirectory = Path.GetFullPath(_lab.DataDirectory);
        Assert.DoesNotContain(dataDirectory, readerText);
        Assert.DoesNotContain(JsonSerializer.Serialize(dataDirectory).Trim('"'), readerText);
        var hidden = JsonDocument.Parse(readerText).RootElement;
        Assert.True(!hidden.TryGetProperty("dataDirectory", out var shown) || shown.ValueKind == JsonValueKind.Null, readerText);

        using var admin = _lab.WithKey(_lab.Secrets["admin"]);
        var status = await admin.GetJsonAsync("/api/status");
        Assert.Equal(dataDirectory, status.GetProperty("dataDirectory").GetString());
    }

    [Fact]
    public async Task Health_probes_need_no_credential()
    {
        using var anonymous = _lab.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/alive")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/health")).StatusCode);
    }

    [Theory]
    [InlineData("shared", null, "RagLab:Access:Keys")]
    [InlineData("public", null, "Use local (this machine only, no sign-in) or shared")]
    [InlineData("shared", "superuser", "Role is 'superuser'. Use reader, writer, admin")]
    public void A_wrong_access_setting_stops_the_start_and_says_what_to_set(string mode, string? role, string expected)
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["RagLab:Access:Mode"] = mode };
        if (role is not null)
        {
            settings["RagLab:Access:Keys:0:Name"] = "ci";
            settings["RagLab:Access:Keys:0:Hash"] = RagLab.Infrastructure.Access.ApiKeySecret.Create("ci").Hash;
            settings["RagLab:Access:Keys:0:Role"] = role;
        }
        using var factory = new RagLabApiFactory(data.Path, settings: settings);
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(expected, error.ToString());
    }

    /// <summary>Every route the Api maps, from its endpoint data source, so a new route cannot escape these tests.</summary>
    private List<(string Method, string Pattern, RouteEndpoint Endpoint)> Routes()
    {
        _lab.Factory.CreateClient().Dispose(); // starts the server, which builds the endpoints
        var source = _lab.Factory.Services.GetRequiredService<EndpointDataSource>();
        return [.. source.Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e)))];
    }

    private static string? StrictestPolicy(Endpoint endpoint)
    {
        var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
        return new[] { AccessPolicies.Admin, AccessPolicies.Writer, AccessPolicies.Reader }.FirstOrDefault(policies.Contains);
    }

    private static string Fill(string pattern)
    {
        var parsed = RoutePatternFactory.Parse(pattern);
        return "/" + string.Join('/', parsed.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "no-such-id",
        }))));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        // A body a handler refuses (400) rather than acts on; an empty one for methods that carry none.
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    private static async Task Expect(HttpClient client, string method, string path, HttpStatusCode expected, string who, List<string> failures)
    {
        using var response = await SendAsync(client, method, path);
        if (response.StatusCode != expected) failures.Add($"{method} {path} with {who}: {(int)response.StatusCode}, expected {(int)expected}.");
    }
}
