namespace RagLab.Api.Access;

/// <summary>The roles a caller may have; each includes the ones before it.</summary>
public static class AccessRoles
{
    public const string Reader = "reader";
    public const string Writer = "writer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Writer, Admin];
}

/// <summary>
/// The authorization policies every route names (see <c>Apis/</c>). In local mode each one passes for everyone; in shared mode
/// a route needs a caller whose role is at least the policy's.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Read documents, search, ask, see jobs, runs and reports.</summary>
    public const string Reader = "raglab-reader";

    /// <summary>Change what the lab holds: uploads, deletes, re-ingests, eval sets and runs, datasets, fine-tunes.</summary>
    public const string Writer = "raglab-writer";

    /// <summary>Change how the lab answers everyone (collection prompts), and see server paths in the status.</summary>
    public const string Admin = "raglab-admin";

    /// <summary>The roles that satisfy each policy.</summary>
    public static IReadOnlyList<string> RolesFor(string policy) => policy switch
    {
        Reader => [AccessRoles.Reader, AccessRoles.Writer, AccessRoles.Admin],
        Writer => [AccessRoles.Writer, AccessRoles.Admin],
        Admin => [AccessRoles.Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not a RagLab access policy."),
    };

    /// <summary>Readers and above.</summary>
    public static TBuilder RequireReader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Reader);

    /// <summary>Writers and admins.</summary>
    public static TBuilder RequireWriter<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Writer);

    /// <summary>Admins only.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Admin);
}
