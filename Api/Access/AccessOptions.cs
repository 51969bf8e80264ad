using RagLab.Infrastructure.Access;

namespace RagLab.Api.Access;

/// <summary>Who may use the Api, and from which pages: section <c>RagLab:Access</c>.</summary>
public sealed class AccessOptions
{
    public const string Section = "RagLab:Access";
    public const string LocalMode = "local";
    public const string SharedMode = "shared";

    /// <summary>
    /// <c>local</c> (default): no sign-in, and only this machine (loopback) is answered. <c>shared</c>: a team server where every
    /// request but the health probes carries an API key or a bearer token.
    /// </summary>
    public string Mode { get; set; } = LocalMode;

    /// <summary>API keys for scripts, the CLI and services (shared mode), each stored as a hash (<c>raglab keys create</c>).</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>JSON Web Tokens from an OpenID Connect provider, for people (shared mode).</summary>
    public JwtAccessOptions Jwt { get; set; } = new();

    /// <summary>
    /// Origins (<c>https://lab.example.com</c>) whose pages may send state-changing requests, besides the Api's own. The Web calls
    /// the Api from its server and needs no entry.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Cross-origin resource sharing: none unless origins are named here.</summary>
    public CorsAccessOptions Cors { get; set; } = new();

    public bool IsShared => string.Equals(Mode?.Trim(), SharedMode, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every configuration mistake at once, each saying what to set; empty when the options can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var mode = Mode?.Trim().ToLowerInvariant();
        if (mode is not (LocalMode or SharedMode))
            errors.Add($"RagLab:Access:Mode is '{Mode}'. Use local (this machine only, no sign-in) or shared (every request authenticated).");
        if (mode == SharedMode && Keys.Count == 0 && !Jwt.IsConfigured)
            errors.Add("RagLab:Access:Mode is shared but no one could sign in: add API keys to RagLab:Access:Keys (`raglab keys create`) " +
                "or set RagLab:Access:Jwt:Authority and :Audience.");
        if (Jwt.IsConfigured && string.IsNullOrWhiteSpace(Jwt.Audience))
            errors.Add("RagLab:Access:Jwt:Authority is set without RagLab:Access:Jwt:Audience: name the audience the tokens are issued for.");

        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var where = $"RagLab:Access:Keys:{i}" + (string.IsNullOrEmpty(key.Name) ? "" : $" ('{key.Name}')");
            if (!ApiKeySecret.IsValidName(key.Name)) errors.Add($"{where}: Name must be 1 to 40 letters, digits or '-'.");
            if (key.Role?.Trim().ToLowerInvariant() is not { } role || !AccessRoles.All.Contains(role))
                errors.Add($"{where}: Role is '{key.Role}'. Use {string.Join(", ", AccessRoles.All)}.");
            if (!ApiKeySecret.TryParse(key.Hash, out _, out var error)) errors.Add($"{where}: Hash is not valid: {error}.");
        }
        foreach (var duplicate in Keys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add($"RagLab:Access:Keys: the name '{duplicate.Key}' is used {duplicate.Count()} times; names pick the key, so each must be unique.");

        foreach (var origin in AllowedOrigins.Concat(Cors.Origins))
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                errors.Add($"'{origin}' in RagLab:Access:AllowedOrigins or :Cors:Origins is not an origin such as https://lab.example.com (scheme, host, optional port).");
        return errors;
    }
}

/// <summary>One API key: its name, the hash of its secret, its role and the document groups it may read.</summary>
public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";
    public string Role { get; set; } = AccessRoles.Reader;
    public List<string> Groups { get; set; } = [];
}

/// <summary>Bearer tokens from an OpenID Connect provider: where its keys are published, and which claims carry roles and groups.</summary>
public sealed class JwtAccessOptions
{
    /// <summary>The provider (issuer) whose discovery document and signing keys validate tokens, e.g. <c>https://login.example.com/realms/lab</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (the Api's client id at the provider).</summary>
    public string? Audience { get; set; }

    /// <summary>The claim listing the user's document groups.</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>The claim listing the user's roles (reader, writer, admin).</summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>Off only for a provider on plain http during development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);
}

public sealed class CorsAccessOptions
{
    /// <summary>Origins whose pages may call the Api from the browser; empty (default) sends no CORS headers at all.</summary>
    public List<string> Origins { get; set; } = [];
}
