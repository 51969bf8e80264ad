namespace RagLab.Core.Kernel;

/// <summary>
/// Each collection's default reader groups: the groups a document uploaded without any gets. The implementation (SQLite or
/// Postgres) is <c>SqlCollectionAccessStore</c>.
/// </summary>
public interface ICollectionAccessStore
{
    /// <returns>The collection's default groups in <see cref="DocumentGroups"/>' canonical form, or null: readable by everyone.</returns>
    Task<IReadOnlyList<string>?> GetDefaultGroupsAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Sets the default groups (canonical form; null or empty: readable by everyone). Documents already uploaded keep theirs.</summary>
    Task SetDefaultGroupsAsync(string collection, IReadOnlyList<string>? groups, CancellationToken cancellationToken);
}
