using RagLab.Contracts;
using Domain = RagLab.Core.Jobs;

namespace RagLab.Infrastructure.ContractMapping;

/// <summary>Core's jobs as the HTTP contract shows them; the payload stays internal.</summary>
public static class JobContractMappings
{
    public static JobStatus ToContract(this Domain.JobStatus status) => status switch
    {
        Domain.JobStatus.Queued => JobStatus.Queued,
        Domain.JobStatus.Running => JobStatus.Running,
        Domain.JobStatus.Succeeded => JobStatus.Succeeded,
        Domain.JobStatus.Failed => JobStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A job status the contract does not know."),
    };

    public static JobResponse ToContract(this Domain.JobRecord job) =>
        new(job.Id, job.Kind, job.Status.ToContract(), job.Progress, job.Message, job.Error, job.CreatedAt, job.UpdatedAt);
}
