using System.Text.Json.Serialization;

namespace RagLab.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>A background job, from <c>GET /api/jobs</c> and <c>GET /api/jobs/{id}</c>.</summary>
/// <param name="Kind">What the job does, e.g. <c>ingest</c>, <c>eval-run</c>.</param>
/// <param name="Progress">0 to 1.</param>
public sealed record JobResponse(
    string Id, string Kind, JobStatus Status, double Progress, string? Message, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    [JsonIgnore]
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed;
}

/// <summary>A job was started; poll it at <c>GET /api/jobs/{jobId}</c>.</summary>
public sealed record JobAccepted(string JobId);
