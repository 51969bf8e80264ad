using RagLab.Core.Kernel;
namespace RagLab.Core.Evaluation.Runs;

/// <summary>What to measure: every question of a set through every mode (and every retriever, for modes that retrieve).</summary>
/// <param name="Retrievers">Retriever names; null or empty means the default retriever only.</param>
/// <param name="Parallelism">How many questions are in flight at once (1 to 32).</param>
/// <param name="Judge">Also score groundedness with the connected chat model as a judge (slower: two extra calls per answer).</param>
/// <param name="ModeRoles">Overrides the role inferred from a mode's name (see <see cref="Runs.ModeRoles.Infer"/>).</param>
/// <param name="CorrectF1Threshold">An answer with token F1 at or above this against the reference counts as correct.</param>
/// <param name="ReaderGroups">Whose view the run measures: the groups of the caller who started it (set by the server, never by the
/// body), or null for everything. Retrieval, answers and metrics see only the documents those groups may read.</param>
public sealed record EvalRunRequest(
    string SetId,
    IReadOnlyList<string> Modes,
    IReadOnlyList<string>? Retrievers = null,
    int TopK = 5,
    int Parallelism = 2,
    bool Judge = false,
    PriceSettings? Prices = null,
    IReadOnlyDictionary<string, ModeRole>? ModeRoles = null,
    double CorrectF1Threshold = 0.5,
    IReadOnlyList<string>? ReaderGroups = null)
{
    /// <summary>The view the run measures (<see cref="ReaderGroups"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ReaderScope Scope => ReaderScopeKeys.FromGroupList(ReaderGroups);

    /// <exception cref="ValidationException">A value out of range, an empty mode list or a repeated mode.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SetId)) throw new ValidationException("Give the id of the eval set to run (setId).");
        if (Modes is null || Modes.Count == 0) throw new ValidationException("Give at least one answering mode to evaluate, e.g. [\"base\", \"rag\"].");
        if (Modes.Any(string.IsNullOrWhiteSpace)) throw new ValidationException("Mode names must not be empty.");
        if (Modes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Modes.Count) throw new ValidationException("Each mode may appear only once.");
        if (Retrievers is not null && Retrievers.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Retrievers.Count) throw new ValidationException("Each retriever may appear only once.");
        if (TopK is < 1 or > 100) throw new ValidationException($"TopK must be between 1 and 100 (got {TopK}).");
        if (Parallelism is < 1 or > 32) throw new ValidationException($"Parallelism must be between 1 and 32 (got {Parallelism}).");
        if (CorrectF1Threshold is <= 0 or > 1) throw new ValidationException("CorrectF1Threshold must be in (0, 1].");
        if (Prices is { } p && new[] { p.GpuDollarsPerHour, p.InputDollarsPerMillionTokens, p.OutputDollarsPerMillionTokens }.Any(v => v < 0))
            throw new ValidationException("Prices must not be negative.");
    }
}
