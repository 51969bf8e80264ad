using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Generation;

/// <summary>Builds retrieval hits for the generation tests, ranked in the order given.</summary>
internal static class Hits
{
    public static RetrievalHit Hit(int rank, string text, string documentName = "guide.md", string headingPath = "")
    {
        string documentId = "doc-" + documentName;
        var chunk = new Chunk($"{documentName}#{rank}", documentId, documentName, "default", rank - 1, headingPath, text, 0, text.Length);
        return new RetrievalHit(rank, 1.0 / rank, chunk);
    }

    public static IReadOnlyList<RetrievalHit> Ranked(params string[] texts) =>
        texts.Select((text, i) => Hit(i + 1, text, $"doc{i + 1}.md")).ToList();

    /// <summary>Realistic chunks from a backup tool's manual, in rank order.</summary>
    public static IReadOnlyList<RetrievalHit> BackupManual() =>
    [
        Hit(1,
            "Snapvault keeps local snapshots for 30 days by default. Older snapshots are pruned every night at 02:00. " +
            "You can change the retention period with the --keep-days option, e.g. --keep-days 90.",
            "snapvault-guide.md", "Configuration > Retention"),
        Hit(2,
            "Snapshots are encrypted with AES-256 before they leave the machine.\n" +
            "The encryption key is derived from your passphrase; Dr. Ruiz's team reviewed the design in v2.1.\n\n" +
            "If you lose the passphrase, the snapshots cannot be restored.",
            "security.md", "Security"),
        Hit(3,
            "Installation\nDownload the installer from the releases page. Run it as an administrator. " +
            "Snapvault requires 3.5 GB of free disk space.",
            "snapvault-guide.md", "Getting started"),
    ];
}
