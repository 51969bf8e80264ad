using System.Runtime.InteropServices;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The distinct reader-group lists of one shard's documents, each numbered once (0: no groups, readable by everyone), so an
/// index keeps one number per chunk and a search with a <see cref="ReaderScope"/> decides once per list, not once per chunk,
/// whether it may read it. Lists are kept once numbered: a collection has few distinct ones. Not thread-safe: the owning
/// shard's lock guards it (writers add, searches read).
/// </summary>
internal sealed class DocumentAccessClasses
{
    /// <summary>The class of documents without groups.</summary>
    public const int Public = 0;

    private readonly List<string[]> _groups = [[]];
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal) { [""] = Public };

    public int Count => _groups.Count;

    /// <summary>The number of <paramref name="groups"/>' class, numbering it when it is new.</summary>
    public int NumberOf(IReadOnlyList<string>? groups)
    {
        if (groups is null || groups.Count == 0) return Public;
        var canonical = groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(_numbers, string.Join('\u001f', canonical), out var exists);
        if (!exists)
        {
            number = _groups.Count;
            _groups.Add(canonical);
        }
        return number;
    }

    /// <summary>The groups of class <paramref name="number"/> (empty for <see cref="Public"/>).</summary>
    public IReadOnlyList<string> GroupsOf(int number) => _groups[number];

    /// <summary>
    /// Per class, whether <paramref name="scope"/> may read it; null when it may read every class there is, so a search needs no
    /// check at all (and allocates nothing) for everything, and for a scope that happens to see the whole collection.
    /// </summary>
    public bool[]? ReadableBy(ReaderScope scope)
    {
        if (scope.IsEverything) return null;
        bool[]? readable = null;
        for (var number = 0; number < _groups.Count; number++)
        {
            if (scope.CanRead(_groups[number])) continue;
            if (readable is null)
            {
                readable = new bool[_groups.Count];
                Array.Fill(readable, true);
            }
            readable[number] = false;
        }
        return readable;
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_groups.Count);
        foreach (var groups in _groups)
        {
            writer.Write(groups.Length);
            foreach (var group in groups) writer.Write(group);
        }
    }

    /// <exception cref="InvalidDataException">The classes read do not hold together.</exception>
    public static DocumentAccessClasses ReadFrom(SnapshotReader reader)
    {
        var classes = new DocumentAccessClasses();
        var count = reader.ReadCount(4);
        if (count < 1) throw new InvalidDataException("A snapshot has no access classes.");
        for (var number = 0; number < count; number++)
        {
            var groups = new string[reader.ReadCount(1)];
            for (var i = 0; i < groups.Length; i++) groups[i] = reader.ReadString();
            if (number == Public)
            {
                if (groups.Length != 0) throw new InvalidDataException("A snapshot's first access class is not the public one.");
                continue;
            }
            if (groups.Length == 0 || classes.NumberOf(groups) != number) throw new InvalidDataException("A snapshot's access classes repeat.");
        }
        return classes;
    }
}
