using RagLab.Core.Kernel;

namespace RagLab.Api.Infrastructure;

/// <summary>Claim types RagLab reads from an authenticated caller (API key or JWT bearer).</summary>
public static class RagLabClaimTypes
{
    /// <summary>One claim per group whose documents the caller may read.</summary>
    public const string Group = "groups";
}

/// <summary>The documents a request may see, from its caller's identity.</summary>
public static class CallerScope
{
    /// <summary>
    /// Everything for an anonymous caller (the local lab, where authentication is off) and for an admin;
    /// otherwise the caller's groups.
    /// </summary>
    public static ReaderScope ReaderScope(this HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || user.IsInRole("admin")) return Core.Kernel.ReaderScope.Everything;
        return Core.Kernel.ReaderScope.OfGroups(user.FindAll(RagLabClaimTypes.Group).Select(c => c.Value));
    }
}
