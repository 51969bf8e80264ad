using RagLab.Core.Jobs;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>
/// Runs <see cref="EvalSetGenerator"/> as an <c>evalset-generate</c> job (payload: the <see cref="EvalSetGenerationRequest"/>
/// as JSON) and stores the result as a new eval set (version n+1 of its name), remembered under the job id.
/// </summary>
public sealed class EvalSetGenerationJobHandler(EvalSetGenerator generator, IEvalStore store) : IJobHandler
{
    public const string JobKind = "evalset-generate";

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var request = JobPayloads.Read<EvalSetGenerationRequest>(job);
        var draft = await generator.GenerateAsync(request, progress, cancellationToken);
        var set = await store.ImportAsync(draft, cancellationToken);
        await store.SaveGeneratedSetAsync(job.Id, set.Id, cancellationToken);
    }
}
