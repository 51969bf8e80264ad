using RagLab.Contracts;
using RagLab.Infrastructure.Hosting;

namespace RagLab.Infrastructure.ContractMapping;

/// <summary>The resolved configuration and live model status as the HTTP contract shows them.</summary>
public static class StatusContractMappings
{
    public static StatusResponse ToContract(this StatusReport report) =>
        new([.. report.Dependencies.Select(d => new DependencyStatus(d.Name, d.Kind, d.Endpoint, d.Detail))],
            new ModelsStatus(report.Models.Provider, report.Models.Endpoint, report.Models.ChatModel, report.Models.ChatAvailable,
                report.Models.EmbeddingModel, report.Models.EmbeddingsAvailable, report.Models.Error),
            report.DataDirectory, report.JobsInProcess,
            [.. report.Vectors.Select(v => new CollectionVectorsStatus(v.Collection, [.. v.Models.Select(m => new VectorModelCount(m.Model, m.Chunks))], v.Reembed is not null, v.Reembed))]);
}
