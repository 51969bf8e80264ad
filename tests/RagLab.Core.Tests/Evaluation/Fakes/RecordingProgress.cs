using RagLab.Core.Jobs;

namespace RagLab.Core.Tests.Evaluation.Fakes;

public sealed class RecordingProgress : IJobProgress
{
    public List<double> Fractions { get; } = [];

    public Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken)
    {
        lock (Fractions) Fractions.Add(fraction);
        return Task.CompletedTask;
    }
}
