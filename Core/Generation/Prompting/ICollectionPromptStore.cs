namespace RagLab.Core.Generation.Prompting;

/// <summary>Where each collection's own <see cref="CollectionPrompt"/> is kept. The embedded implementation is SQLite.</summary>
public interface ICollectionPromptStore
{
    /// <summary>The collection's own prompt, or null when it uses <see cref="CollectionPrompt.Default"/>.</summary>
    Task<StoredCollectionPrompt?> GetAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Replaces the collection's prompt (the caller has validated it).</summary>
    Task<StoredCollectionPrompt> SaveAsync(string collection, CollectionPrompt prompt, CancellationToken cancellationToken);

    /// <summary>Removes the collection's prompt, so it uses the default again. False when it had none.</summary>
    Task<bool> DeleteAsync(string collection, CancellationToken cancellationToken);
}
