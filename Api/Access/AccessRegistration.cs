using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;

namespace RagLab.Api.Access;

/// <summary>Who may call the Api (<see cref="AccessOptions"/>), wired into the host and its pipeline.</summary>
public static class AccessRegistration
{
    /// <summary>Chooses the API key or the bearer scheme per request, by the credential the request carries.</summary>
    private const string CredentialScheme = "RagLabCredential";

    /// <summary>
    /// Reads and checks <c>RagLab:Access</c> (a mistake stops the start with what to set). Local mode: every policy passes.
    /// Shared mode: API keys and, when an authority is set, JWT bearer tokens; every route needs its role, and any route
    /// without a policy needs at least a signed-in caller.
    /// </summary>
    public static IHostApplicationBuilder AddRagLabAccess(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AccessOptions.Section);
        var access = section.Get<AccessOptions>() ?? new AccessOptions();
        if (access.Validate() is { Count: > 0 } errors)
            throw new InvalidOperationException("RagLab:Access is not valid: " + string.Join(" ", errors));
        builder.Services.Configure<AccessOptions>(section);
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessProblemResultHandler>();
        if (access.Cors.Origins.Count > 0)
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins([.. access.Cors.Origins]).AllowAnyHeader().AllowAnyMethod()));

        if (!access.IsShared)
        {
            builder.Services.AddAuthentication();
            builder.Services.AddAuthorization(options =>
            {
                // The lone local user may do everything; the loopback guard keeps everyone else out.
                foreach (var policy in new[] { AccessPolicies.Reader, AccessPolicies.Writer, AccessPolicies.Admin })
                    options.AddPolicy(policy, p => p.RequireAssertion(_ => true));
            });
            return builder;
        }

        var jwt = access.Jwt;
        var authentication = builder.Services.AddAuthentication(CredentialScheme)
            .AddPolicyScheme(CredentialScheme, "API key or bearer token", options => options.ForwardDefaultSelector = context =>
                jwt.IsConfigured && !context.Request.Headers.ContainsKey(ApiKeyAuthenticationOptions.HeaderName)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationOptions.Scheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationOptions.Scheme, options => options.Keys = access.Keys);
        builder.Services.AddSingleton<ApiKeyRing>();
        if (jwt.IsConfigured) authentication.AddJwtBearer(options => ConfigureJwt(options, jwt));

        builder.Services.AddAuthorization(options =>
        {
            foreach (var policy in new[] { AccessPolicies.Reader, AccessPolicies.Writer, AccessPolicies.Admin })
                options.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(AccessPolicies.RolesFor(policy)));
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        return builder;
    }

    private static void ConfigureJwt(JwtBearerOptions options, JwtAccessOptions jwt)
    {
        options.Authority = jwt.Authority;
        options.Audience = jwt.Audience;
        options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        // Claims keep the names the provider gave them ("roles", "groups"), not WS-Federation URIs.
        options.MapInboundClaims = false;
        options.TokenValidationParameters.RoleClaimType = jwt.RolesClaim;
        options.TokenValidationParameters.NameClaimType = "name";
        options.Events = new JwtBearerEvents
        {
            // CallerScope reads groups from "groups": copy them there when the provider names the claim otherwise.
            OnTokenValidated = context =>
            {
                if (jwt.GroupsClaim != RagLabClaimTypes.Group && context.Principal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                    foreach (var claim in identity.FindAll(jwt.GroupsClaim).ToList())
                        identity.AddClaim(new System.Security.Claims.Claim(RagLabClaimTypes.Group, claim.Value));
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// The guards and the authentication and authorization middleware, before anything reads a body: local mode answers loopback
    /// only; no cross-site page changes anything; CORS only for configured origins. Host filtering (<c>AllowedHosts</c>) runs
    /// before all of it.
    /// </summary>
    public static WebApplication UseRagLabAccess(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<IOptions<AccessOptions>>().Value;
        if (!access.IsShared) app.UseMiddleware<LoopbackOnlyGuard>();
        app.UseMiddleware<CrossSiteRequestGuard>();
        if (access.Cors.Origins.Count > 0) app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
