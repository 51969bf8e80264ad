using System.Globalization;
using System.Text;
using RagLab.Contracts;

namespace RagLab.Cli.Output;

/// <summary>
/// Writes an eval run's retrievals as TREC run files (<c>qid Q0 docid rank score tag</c>), so they can be scored by
/// trec_eval or <c>tests/tools/trec_eval.py</c> independently of RagLab's own metrics.
/// </summary>
/// <remarks>
/// Documents are listed in the order the scorer saw them (each document at its best chunk's rank), ranks from 1.
/// The runner keeps only document ids, not retrieval scores, so the score column is synthetic and strictly decreasing
/// (<c>count − rank + 1</c>): ranking by score (trec_eval's order) gives back exactly the scorer's order.
/// Records that failed are left out; a retriever's records become one file.
/// </remarks>
public static class TrecRunFile
{
    /// <summary>The file for one retriever: <paramref name="path"/> itself when there is one retriever,
    /// else <c>name.&lt;retriever&gt;.ext</c> beside it (s.run → s.bm25.run).</summary>
    public static string PathFor(string path, string retriever, int retrieverCount)
    {
        if (retrieverCount <= 1) return path;
        var extension = Path.GetExtension(path);
        var stem = extension.Length == 0 ? path : path[..^extension.Length];
        return $"{stem}.{retriever}{extension}";
    }

    /// <summary>The lines of one retriever's run file.</summary>
    /// <param name="docIdFor">The TREC docid of a RagLab document id (e.g. the BEIR corpus id).</param>
    public static string Format(IEnumerable<EvalRetrievalResult> records, string tag, Func<string, string> docIdFor)
    {
        var text = new StringBuilder();
        foreach (var record in records.Where(r => r.Error is null).OrderBy(r => r.ItemId, StringComparer.Ordinal))
        {
            var count = record.RankedDocumentIds.Count;
            for (var i = 0; i < count; i++)
            {
                text.Append(record.ItemId).Append(" Q0 ").Append(docIdFor(record.RankedDocumentIds[i])).Append(' ')
                    .Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append((count - i).ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(tag).Append('\n');
            }
        }
        return text.ToString();
    }
}
