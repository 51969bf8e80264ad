using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RagLab.Core.Generation.Prompting;

/// <summary>
/// A collection's prompt for the <c>prompt</c> mode: a system prompt, few-shot examples, and the user message. <see cref="System"/> and
/// <see cref="User"/> are Semantic Kernel prompt templates (<c>{{$question}}</c>, <c>{{$collection}}</c>); the examples are plain text.
/// </summary>
/// <param name="System">The system message template; empty sends no system message.</param>
/// <param name="Examples">Question and answer pairs sent before the question, as earlier turns of the conversation.</param>
/// <param name="User">The user message template; it must use <c>{{$question}}</c>.</param>
public sealed record CollectionPrompt(string System, IReadOnlyList<FewShotExample> Examples, string User)
{
    /// <summary>The built-in system prompt: the base mode's, so an unedited <c>prompt</c> column measures the same thing as <c>base</c>.</summary>
    public const string DefaultSystem = BasePromptBuilder.SystemPrompt;

    /// <summary>The built-in user message: the question as it was asked.</summary>
    public const string DefaultUser = "{{$question}}";

    /// <summary>What a collection without a prompt of its own uses.</summary>
    public static CollectionPrompt Default { get; } = new(DefaultSystem, [], DefaultUser);

    /// <summary>A short hash of the whole prompt: equal prompts have equal fingerprints, and any edit changes it.</summary>
    public string Fingerprint()
    {
        var json = JsonSerializer.Serialize(new { System, Examples = Examples.Select(e => new[] { e.Question, e.Answer }), User });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }
}

/// <summary>One worked example: a question as a user would ask it, and the answer the model should give.</summary>
public sealed record FewShotExample(string Question, string Answer);

/// <summary>A collection's own prompt as stored, and when it was last saved.</summary>
public sealed record StoredCollectionPrompt(CollectionPrompt Prompt, DateTimeOffset UpdatedAt);
