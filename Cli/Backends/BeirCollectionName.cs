using System.Text;
using RagLab.Core.Storage;

namespace RagLab.Cli.Backends;

/// <summary>The default collection of a BEIR import: the folder's name, lower-cased, with other characters as '-'.</summary>
public static class BeirCollectionName
{
    public static string FromFolder(string directory)
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var name = new StringBuilder(folder.Length);
        foreach (var c in folder.ToLowerInvariant()) name.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' ? c : '-');
        var result = name.ToString().Trim('-');
        if (result.Length > 64) result = result[..64];
        return result.Length == 0 ? CollectionName.Default : result;
    }
}
