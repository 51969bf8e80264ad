using RagLab.Contracts;

namespace RagLab.Web.Components.FineTunes;

/// <summary>The states the fine-tuning API reports, as this page reads them (the Api sends them as camelCase strings).</summary>
public static class FineTuneStates
{
    public const string Succeeded = "succeeded", Failed = "failed", Cancelled = "cancelled";
    public const string DatasetBuilding = "building", DatasetReady = "ready";

    /// <summary>A job still moving: validating, queued, running or registering. Anything else is final.</summary>
    public static bool IsActive(string status) => status is not (Succeeded or Failed or Cancelled);

    public static bool IsActive(FineTuneResponse job) => IsActive(job.Status);

    /// <summary>The badge colour of a job's or dataset's state.</summary>
    public static string BadgeClass(string status) => status switch
    {
        Succeeded or DatasetReady => "ok",
        Failed => "bad",
        Cancelled => "",
        _ => "warn",
    };

    /// <summary>How far a job is, from its steps; 0 before the trainer has reported its total.</summary>
    public static double Progress(FineTuneResponse job) =>
        job.Status == Succeeded ? 1 : job.TotalSteps > 0 ? Math.Clamp((double)job.Step / job.TotalSteps, 0, 1) : 0;

    /// <summary>Ids are long; the first characters tell them apart on a page.</summary>
    public static string Short(string id) => id.Length <= 11 ? id : id[..11];
}
