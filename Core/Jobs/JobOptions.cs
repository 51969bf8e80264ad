namespace RagLab.Core.Jobs;

/// <summary>Bound from <c>RagLab:Jobs</c>.</summary>
public sealed class JobOptions
{
    /// <summary>Whether this process runs background jobs. The AppHost turns it off for the Api and runs the Worker instead.</summary>
    public bool RunInProcess { get; set; } = true;

    /// <summary>Jobs run at the same time.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>A job that fails this many times (crashes included) is marked failed for good.</summary>
    public int MaxAttempts { get; set; } = 3;
}
