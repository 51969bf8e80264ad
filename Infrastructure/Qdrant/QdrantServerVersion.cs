namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// The version a Qdrant server reports at <c>GET /</c> (<c>VersionInfo.version</c>), and which of the request fields RagLab
/// sends that server understands. <see cref="Number"/> is null when the version could not be read (<see cref="UnknownBecause"/> says why).
/// </summary>
public sealed record QdrantServerVersion(Version? Number, string? UnknownBecause = null)
{
    /// <summary>
    /// The first release whose <c>PointsList</c> has <c>update_mode</c> (qdrant/qdrant PR #7963, tag v1.17.0). Older servers do not
    /// reject the field, they ignore it, so an <c>insert_only</c> write there is a plain upsert that replaces the whole point.
    /// </summary>
    public static readonly Version UpdateModeSince = new(1, 17, 0);

    /// <summary>True only when the server is known to be older than <see cref="UpdateModeSince"/>; an unknown version is taken as current.</summary>
    public bool PredatesUpdateMode => Number is not null && Number < UpdateModeSince;

    /// <summary>Reads <c>VersionInfo.version</c>, e.g. <c>1.16.3</c>; a pre-release or build suffix (<c>-rc.1</c>, <c>+abc</c>) is ignored.</summary>
    public static QdrantServerVersion FromReported(string? reported)
    {
        if (string.IsNullOrWhiteSpace(reported)) return new(null, "GET / answered without a version");
        var core = reported.Trim().Split('-', '+')[0];
        return Version.TryParse(core, out var number) && number.Build >= 0
            ? new(number)
            : new(null, $"GET / answered version '{reported}', which is not major.minor.patch");
    }

    public override string ToString() => Number?.ToString() ?? $"unknown ({UnknownBecause})";
}
