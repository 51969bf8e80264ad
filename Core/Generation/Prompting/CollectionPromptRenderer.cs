using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using RagLab.Core.Kernel;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace RagLab.Core.Generation.Prompting;

/// <summary>
/// Checks and renders <see cref="CollectionPrompt"/>s with Semantic Kernel's own template engine (<see cref="KernelPromptTemplateFactory"/>),
/// so users write a documented syntax: <c>{{$question}}</c> and <c>{{$collection}}</c>. The prompt mode offers no functions to call.
/// </summary>
public sealed class CollectionPromptRenderer
{
    /// <summary>The variables a template may use.</summary>
    public static readonly IReadOnlyList<string> Variables = [QuestionVariable, CollectionVariable];

    public const string QuestionVariable = "question";
    public const string CollectionVariable = "collection";

    public const int MaxSystemLength = 16_000;
    public const int MaxUserLength = 4_000;
    public const int MaxExamples = 20;
    public const int MaxExampleLength = 4_000;

    // Tag encoding protects SK's own <message> XML parsing of a rendered prompt. RagLab sends the rendered text as plain message
    // text and never parses it, so encoding would only turn a question's "<" or "&" into entities the model would then read.
    private readonly KernelPromptTemplateFactory _factory = new() { AllowDangerouslySetContent = true };

    // No plugins: a template that calls a function fails its check instead of reaching out at answer time.
    private readonly Microsoft.SemanticKernel.Kernel _kernel = new();

    /// <summary>The messages for the built-in prompt (<see cref="CollectionPrompt.Default"/>), which uses no variable but the question.</summary>
    public static IReadOnlyList<ChatMessage> DefaultMessages(string question) =>
        Compose(CollectionPrompt.DefaultSystem, [], question.Trim());

    /// <summary>Checks a prompt a user wants to save and returns it trimmed.</summary>
    /// <exception cref="ValidationException">What is wrong, for every part that is.</exception>
    public async Task<CollectionPrompt> ValidateAsync(CollectionPrompt? prompt, CancellationToken cancellationToken)
    {
        if (prompt is null) throw new ValidationException("Send the prompt as {\"system\": \"…\", \"examples\": [{\"question\": \"…\", \"answer\": \"…\"}], \"user\": \"{{$question}}\"}.");
        var problems = new List<string>();
        var system = (prompt.System ?? "").Trim();
        var user = (prompt.User ?? "").Trim();
        var examples = prompt.Examples ?? [];
        if (system.Length > MaxSystemLength) problems.Add($"The system template is {system.Length} characters long; the limit is {MaxSystemLength}.");
        if (user.Length == 0) problems.Add("The user template is empty; use \"{{$question}}\" to send the question as it was asked.");
        else if (user.Length > MaxUserLength) problems.Add($"The user template is {user.Length} characters long; the limit is {MaxUserLength}.");
        if (examples.Count > MaxExamples) problems.Add($"{examples.Count} examples were given; the limit is {MaxExamples}.");
        for (var i = 0; i < examples.Count; i++)
        {
            var example = examples[i];
            if (string.IsNullOrWhiteSpace(example?.Question) || string.IsNullOrWhiteSpace(example.Answer))
                problems.Add($"Example {i + 1} needs both a question and an answer.");
            else if (example.Question.Length + example.Answer.Length > MaxExampleLength)
                problems.Add($"Example {i + 1} is {example.Question.Length + example.Answer.Length} characters long; the limit is {MaxExampleLength}.");
        }
        if (system.Length > 0) problems.AddRange(await CheckTemplateAsync("system", system, requiresQuestion: false, cancellationToken));
        if (user.Length > 0) problems.AddRange(await CheckTemplateAsync("user", user, requiresQuestion: true, cancellationToken));
        if (problems.Count > 0) throw new ValidationException(string.Join(" ", problems));
        return new CollectionPrompt(system, [.. examples.Select(e => new FewShotExample(e.Question.Trim(), e.Answer.Trim()))], user);
    }

    /// <summary>The chat messages for <paramref name="question"/>: system, each example as a user and an assistant turn, then the user message.</summary>
    /// <exception cref="ValidationException">The stored template no longer renders (it is checked when saved, so only if edited by hand).</exception>
    public async Task<IReadOnlyList<ChatMessage>> RenderAsync(CollectionPrompt prompt, string question, string collection, CancellationToken cancellationToken)
    {
        var arguments = Arguments(question.Trim(), collection);
        var system = prompt.System.Length == 0 ? "" : await RenderTemplateAsync("system", prompt.System, arguments, cancellationToken);
        var user = await RenderTemplateAsync("user", prompt.User, arguments, cancellationToken);
        return Compose(system, prompt.Examples, user);
    }

    private static IReadOnlyList<ChatMessage> Compose(string system, IReadOnlyList<FewShotExample> examples, string user)
    {
        var messages = new List<ChatMessage>(examples.Count * 2 + 2);
        if (system.Length > 0) messages.Add(new ChatMessage(ChatRole.System, system));
        foreach (var example in examples)
        {
            messages.Add(new ChatMessage(ChatRole.User, example.Question));
            messages.Add(new ChatMessage(ChatRole.Assistant, example.Answer));
        }
        messages.Add(new ChatMessage(ChatRole.User, user));
        return messages;
    }

    private static KernelArguments Arguments(string question, string collection) =>
        new() { [QuestionVariable] = question, [CollectionVariable] = collection };

    private async Task<IEnumerable<string>> CheckTemplateAsync(string part, string template, bool requiresQuestion, CancellationToken cancellationToken)
    {
        var config = new PromptTemplateConfig(template);
        IPromptTemplate compiled;
        try
        {
            compiled = _factory.Create(config);
        }
        catch (KernelException ex)
        {
            return [$"The {part} template is not valid Semantic Kernel template syntax: {ex.Message}"];
        }

        // Creating the template adds every variable it references to the config's input variables.
        var names = config.InputVariables.Select(v => v.Name).ToList();
        var unknown = names.Where(n => !Variables.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
            return [$"The {part} template uses {string.Join(", ", unknown.Select(n => "$" + n))}; the variables are {string.Join(" and ", Variables.Select(v => "{{$" + v + "}}"))}."];
        if (requiresQuestion && !names.Contains(QuestionVariable, StringComparer.OrdinalIgnoreCase))
            return [$"The {part} template does not use {{{{${QuestionVariable}}}}}, so the model would never see the question."];
        try
        {
            await compiled.RenderAsync(_kernel, Arguments("What is the refund window?", CollectionName.Default), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return [$"The {part} template does not render: {ex.Message} The prompt mode offers no functions; use only the variables."];
        }
        return [];
    }

    private async Task<string> RenderTemplateAsync(string part, string template, KernelArguments arguments, CancellationToken cancellationToken)
    {
        try
        {
            return (await _factory.Create(new PromptTemplateConfig(template)).RenderAsync(_kernel, arguments, cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ValidationException($"The collection's {part} prompt template does not render ({ex.Message}); save it again through PUT /api/collections/{{collection}}/prompt.");
        }
    }
}
