using RagLab.Core.Kernel;

namespace RagLab.Core.Generation.Prompting;

/// <summary>A collection's prompt as a user sees it: its own, or the default when it has none.</summary>
/// <param name="IsDefault">True when the collection has no prompt of its own.</param>
/// <param name="UpdatedAt">When its own prompt was last saved; null for the default.</param>
public sealed record CollectionPromptView(string Collection, CollectionPrompt Prompt, bool IsDefault, DateTimeOffset? UpdatedAt);

/// <summary>Reads, checks and saves the per-collection prompts of the <c>prompt</c> mode.</summary>
public sealed class CollectionPrompts(ICollectionPromptStore store, CollectionPromptRenderer renderer)
{
    /// <exception cref="ValidationException">The collection name is invalid.</exception>
    public async Task<CollectionPromptView> GetAsync(string? collection, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        var stored = await store.GetAsync(name, cancellationToken);
        return stored is null
            ? new CollectionPromptView(name, CollectionPrompt.Default, IsDefault: true, UpdatedAt: null)
            : new CollectionPromptView(name, stored.Prompt, IsDefault: false, stored.UpdatedAt);
    }

    /// <summary>Checks the prompt with Semantic Kernel's template engine and stores it; the next <c>prompt</c> answer uses it.</summary>
    /// <exception cref="ValidationException">The collection name or the prompt is invalid; the message says what to fix.</exception>
    public async Task<CollectionPromptView> SaveAsync(string? collection, CollectionPrompt? prompt, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        var valid = await renderer.ValidateAsync(prompt, cancellationToken);
        var stored = await store.SaveAsync(name, valid, cancellationToken);
        return new CollectionPromptView(name, stored.Prompt, IsDefault: false, stored.UpdatedAt);
    }

    /// <summary>Goes back to the default prompt.</summary>
    /// <exception cref="ValidationException">The collection name is invalid.</exception>
    public async Task<CollectionPromptView> ResetAsync(string? collection, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        await store.DeleteAsync(name, cancellationToken);
        return new CollectionPromptView(name, CollectionPrompt.Default, IsDefault: true, UpdatedAt: null);
    }
}
