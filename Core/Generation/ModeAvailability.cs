namespace RagLab.Core.Generation;

/// <summary>Whether a mode can answer right now, and if not, what to do about it.</summary>
/// <param name="Reason">Why not, in words a user can act on; null when available.</param>
public sealed record ModeAvailability(bool Available, string? Reason = null)
{
    public static ModeAvailability Ready { get; } = new(true);

    public static ModeAvailability Unavailable(string reason) => new(false, reason);
}
