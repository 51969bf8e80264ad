using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Training;

/// <summary>
/// LoRA SFT settings, as the local trainer's contract names them. Defaults: r=16, alpha=32, dropout 0.05, lr 2e-4, 2 epochs
/// (early stopping on validation loss ends it sooner), effective batch 16, 2048 tokens. The OpenAI back-end uses
/// <see cref="Epochs"/>, <see cref="BatchSize"/> and <see cref="LearningRate"/> (as a multiplier of its own default, see there).
/// </summary>
public sealed record FineTuneHyperparameters(
    int Rank = 16,
    int Alpha = 32,
    double Dropout = 0.05,
    double LearningRate = 2e-4,
    int Epochs = 2,
    int BatchSize = 4,
    int GradientAccumulation = 4,
    int MaxSeqLength = 2048)
{
    /// <exception cref="ValidationException">A value out of range, with the accepted range.</exception>
    public FineTuneHyperparameters Validate()
    {
        if (Rank is < 1 or > 512) throw new ValidationException($"rank must be between 1 and 512 (got {Rank}).");
        if (Alpha is < 1 or > 1024) throw new ValidationException($"alpha must be between 1 and 1024 (got {Alpha}).");
        if (Dropout is < 0 or >= 1) throw new ValidationException($"dropout must be at least 0 and below 1 (got {Dropout}).");
        if (LearningRate is <= 0 or > 1) throw new ValidationException($"learningRate must be above 0 and at most 1 (got {LearningRate}).");
        if (Epochs is < 1 or > 20) throw new ValidationException($"epochs must be between 1 and 20 (got {Epochs}).");
        if (BatchSize is < 1 or > 256) throw new ValidationException($"batchSize must be between 1 and 256 (got {BatchSize}).");
        if (GradientAccumulation is < 1 or > 256) throw new ValidationException($"gradientAccumulation must be between 1 and 256 (got {GradientAccumulation}).");
        if (MaxSeqLength is < 128 or > 131_072) throw new ValidationException($"maxSeqLength must be between 128 and 131072 (got {MaxSeqLength}).");
        return this;
    }
}
