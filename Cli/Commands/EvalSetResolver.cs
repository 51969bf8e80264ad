using RagLab.Cli.Backends;
using RagLab.Contracts;
using RagLab.Core.Kernel;

namespace RagLab.Cli.Commands;

/// <summary>Finds an eval set by id, or by name (its latest version).</summary>
public static class EvalSetResolver
{
    /// <exception cref="NotFoundException">No set has that id or name.</exception>
    public static async Task<EvalSetResponse> ResolveAsync(ILabClient lab, string idOrName, CancellationToken cancellationToken)
    {
        var sets = await lab.ListEvalSetsAsync(null, cancellationToken);
        return sets.FirstOrDefault(s => string.Equals(s.Id, idOrName, StringComparison.Ordinal))
            ?? sets.Where(s => string.Equals(s.Name, idOrName.Trim(), StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Version)
            ?? throw new NotFoundException($"No eval set with id or name '{idOrName}'. List them with `raglab eval sets`, or import one with `raglab eval import`.");
    }
}
