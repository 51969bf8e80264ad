using System.Text.Json.Serialization;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// What an answering mode stands for in the decision: the model alone, retrieval, a fine-tuned model, or both; and the other rungs of
/// the ladder: a better prompt on the model alone, the whole collection in the prompt (long context), a model that searches (agent).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModeRole>))]
public enum ModeRole { Other, Base, Rag, FineTuned, Hybrid, Prompt, LongContext, Agent }

/// <summary>Roles of mode names, by convention unless the run request says otherwise.</summary>
public static class ModeRoles
{
    /// <summary>
    /// <c>base</c> → Base; <c>rag</c> → Rag; <c>prompt</c> → Prompt; <c>longcontext</c> (or <c>cag</c>) → LongContext; <c>agent</c> → Agent;
    /// names with "ft" or "finetune"/"fine-tune" and "rag" (e.g. <c>ft-rag</c>, <c>finetuned+rag</c>) or <c>hybrid</c> → Hybrid;
    /// other "ft"/"finetune" names → FineTuned; anything else → Other.
    /// </summary>
    public static ModeRole Infer(string mode)
    {
        var name = mode.Trim().ToLowerInvariant();
        if (name == "base") return ModeRole.Base;
        if (name == "rag") return ModeRole.Rag;
        if (name == "prompt") return ModeRole.Prompt;
        if (name is "longcontext" or "long-context" or "cag") return ModeRole.LongContext;
        if (name == "agent") return ModeRole.Agent;
        var parts = name.Split(['-', '_', '+', ':', '/', '.'], StringSplitOptions.RemoveEmptyEntries);
        var tuned = parts.Any(p => p is "ft" or "finetuned" or "finetune" or "tuned" or "lora" or "adapter") || name.Contains("fine-tune") || name.Contains("finetune");
        var retrieval = parts.Contains("rag");
        if (name == "hybrid" || (tuned && retrieval)) return ModeRole.Hybrid;
        if (tuned) return ModeRole.FineTuned;
        if (retrieval) return ModeRole.Rag;
        return ModeRole.Other;
    }

    public static ModeRole Resolve(string mode, IReadOnlyDictionary<string, ModeRole>? overrides) =>
        overrides is not null && overrides.TryGetValue(mode, out var role) ? role : Infer(mode);

    /// <summary>Whether answers in this role retrieve chunks (and so are run once per retriever).</summary>
    public static bool UsesRetrieval(ModeRole role) => role is ModeRole.Rag or ModeRole.Hybrid or ModeRole.Agent;
}
