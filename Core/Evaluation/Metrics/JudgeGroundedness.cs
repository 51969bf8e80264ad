namespace RagLab.Core.Evaluation.Metrics;

/// <summary>An LLM judge's verdict: how many claims the answer makes and how many the context supports.</summary>
/// <param name="Score">Supported ÷ claims.</param>
public sealed record JudgeGroundedness(double Score, int Claims, int Supported);
