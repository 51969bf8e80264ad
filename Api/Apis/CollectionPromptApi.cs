using RagLab.Contracts;
using RagLab.Core.Generation.Prompting;

namespace RagLab.Api.Apis;

/// <summary>Each collection's prompt for the <c>prompt</c> mode: a system prompt and few-shot examples in Semantic Kernel's template syntax.</summary>
public static class CollectionPromptApi
{
    public static IEndpointRouteBuilder MapCollectionPromptApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/collections/{collection}/prompt").WithTags("Prompts").RequireReader();
        api.MapGet("/", GetAsync).WithSummary("The collection's prompt for the 'prompt' mode (the built-in one until it has its own).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPut("/", PutAsync).RequireAdmin()
            .WithSummary("Replace the collection's prompt: {system, examples: [{question, answer}], user}; system and user are Semantic Kernel templates using {{$question}} and {{$collection}}.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapDelete("/", DeleteAsync).RequireAdmin().WithSummary("Go back to the built-in prompt.").ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<CollectionPromptResponse> GetAsync(string collection, CollectionPrompts prompts, CancellationToken cancellationToken) =>
        ToContract(await prompts.GetAsync(collection, cancellationToken));

    private static async Task<CollectionPromptResponse> PutAsync(string collection, CollectionPromptRequest? request, CollectionPrompts prompts, CancellationToken cancellationToken)
    {
        var prompt = request is null ? null : new CollectionPrompt(
            request.System ?? "",
            [.. (request.Examples ?? []).Select(e => new FewShotExample(e?.Question ?? "", e?.Answer ?? ""))],
            request.User ?? CollectionPrompt.DefaultUser);
        return ToContract(await prompts.SaveAsync(collection, prompt, cancellationToken));
    }

    private static async Task<CollectionPromptResponse> DeleteAsync(string collection, CollectionPrompts prompts, CancellationToken cancellationToken) =>
        ToContract(await prompts.ResetAsync(collection, cancellationToken));

    private static CollectionPromptResponse ToContract(CollectionPromptView view) =>
        new(view.Collection, view.Prompt.System, [.. view.Prompt.Examples.Select(e => new PromptExample(e.Question, e.Answer))], view.Prompt.User,
            view.IsDefault, view.UpdatedAt, [.. CollectionPromptRenderer.Variables.Select(v => "{{$" + v + "}}")]);
}
