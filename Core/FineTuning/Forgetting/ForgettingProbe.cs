using Microsoft.Extensions.AI;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.Generation;

namespace RagLab.Core.FineTuning.Forgetting;

/// <summary>
/// The catastrophic-forgetting check: the shipped general-knowledge questions asked to the base model and to a fine-tuned
/// version with the <c>base</c> prompt; the drop in accuracy is what fine-tuning cost the model outside the collection.
/// </summary>
public sealed class ForgettingProbe(IFineTunedChatClients clients, BasePromptBuilder prompts)
{
    public async Task<ForgettingResult> RunAsync(string provider, string baseModel, string versionModel, IReadOnlyList<ForgettingQuestion>? questions, CancellationToken cancellationToken)
    {
        questions ??= ForgettingQuestion.GeneralKnowledge;
        try
        {
            var baseClient = await clients.GetAsync(provider, baseModel, cancellationToken);
            var versionClient = await clients.GetAsync(provider, versionModel, cancellationToken);
            if (baseClient is null || versionClient is null)
                return new ForgettingResult(questions.Count, null, null, null, $"The {provider} server did not answer; the probe did not run.");
            var baseAccuracy = await AccuracyAsync(baseClient, questions, cancellationToken);
            var versionAccuracy = await AccuracyAsync(versionClient, questions, cancellationToken);
            return new ForgettingResult(questions.Count, baseAccuracy, versionAccuracy, Math.Round(baseAccuracy - versionAccuracy, 1));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort by design: the version is usable either way, and the reason is recorded with it.
            return new ForgettingResult(questions.Count, null, null, null, $"The probe could not finish: {ex.Message}");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A model call that timed out.
            return new ForgettingResult(questions.Count, null, null, null, $"The probe could not finish: {ex.Message}");
        }
    }

    /// <returns>Percent of <paramref name="questions"/> answered right.</returns>
    private async Task<double> AccuracyAsync(IChatClient client, IReadOnlyList<ForgettingQuestion> questions, CancellationToken cancellationToken)
    {
        var right = 0;
        foreach (var question in questions)
        {
            var reply = await client.GetResponseAsync(prompts.Build(question.Question), new ChatOptions { Temperature = 0, MaxOutputTokens = 64 }, cancellationToken);
            if (question.IsAnsweredBy(reply.Text)) right++;
        }
        return Math.Round(100.0 * right / questions.Count, 1);
    }
}
