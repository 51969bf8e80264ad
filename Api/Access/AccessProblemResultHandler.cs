using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace RagLab.Api.Access;

/// <summary>
/// 401 and 403 as problem details that say what to send or which role is needed, after the schemes have had their say
/// (the bearer scheme's <c>WWW-Authenticate</c> header stays).
/// </summary>
internal sealed class AccessProblemResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        await _default.HandleAsync(next, context, policy, result);
        if (result.Succeeded || context.Response.HasStarted) return;
        if (result.Challenged)
        {
            var headers = context.Request.Headers;
            var detail = headers.ContainsKey(ApiKeyAuthenticationOptions.HeaderName)
                ? $"The API key in {ApiKeyAuthenticationOptions.HeaderName} is not one this lab knows: check it, or ask an admin for one (`raglab keys create`)."
                : headers.Authorization.Count > 0
                    ? "The bearer token was refused (expired, for another audience or not signed by the configured authority); WWW-Authenticate says why."
                    : $"This lab runs in shared mode: send an API key in the {ApiKeyAuthenticationOptions.HeaderName} header (an admin creates one with " +
                      "`raglab keys create`; the CLI reads it from --api-key or RAGLAB_API_KEY) or an OpenID Connect bearer token.";
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required", detail: detail).ExecuteAsync(context);
            return;
        }
        if (!result.Forbidden) return;

        var needed = result.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>()
            .MinBy(r => r.AllowedRoles.Count())?.AllowedRoles.ToList() ?? [];
        var has = context.User.Identities.SelectMany(i => i.FindAll(i.RoleClaimType)).Select(c => c.Value).Distinct().ToList();
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
            detail: $"{context.Request.Method} {context.Request.Path} needs the role {string.Join(" or ", needed)}; " +
                    $"'{context.User.Identity?.Name ?? "you"}' has {(has.Count == 0 ? "no role" : string.Join(", ", has))}.").ExecuteAsync(context);
    }
}
