using System.Text;
using System.Text.RegularExpressions;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// Reads the citation markers in a model's answer and turns them into <see cref="Citation"/>s.
/// Recognised markers: <c>[1]</c>, <c>[1][2]</c>, <c>[1, 2]</c>, <c>[1; 2]</c>, <c>[1-3]</c> (also with an en dash) and
/// <c>[Source 1]</c>. Footnotes (<c>[^1]</c>) and parenthesised numbers (<c>(1)</c>) are not citations.
/// Marker <c>[n]</c> refers to <c>hits[n - 1]</c>, the numbering used by <see cref="RagPromptBuilder"/>.
/// </summary>
/// <param name="analyzer">Turns sentences into terms to pick, for each citation, the chunk sentence that best supports the answer.</param>
public sealed partial class CitationParser(IAnalyzer analyzer)
{
    private readonly IAnalyzer _analyzer = analyzer ?? throw new ArgumentNullException(nameof(analyzer));

    /// <summary>
    /// Finds the citations in <paramref name="answer"/>. Markers citing nothing retrieved (0, or more than
    /// <c>hits.Count</c>) are removed from the text, listed in <see cref="CitationParseResult.InvalidMarkers"/> and
    /// explained in <see cref="CitationParseResult.Warnings"/>. Each cited chunk yields one citation, in order of first
    /// mention; its quote is the chunk sentence sharing the most terms with the answer sentence carrying the marker.
    /// </summary>
    /// <param name="hits">The hits numbered in the prompt, in prompt order (<see cref="RagPrompt.Hits"/>).</param>
    public CitationParseResult Parse(string answer, IReadOnlyList<RetrievalHit> hits)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(hits);

        var cleaned = new StringBuilder(answer.Length);
        var mentions = new List<(int Position, int HitIndex)>();
        var invalidMarkers = new List<string>();
        var warnings = new List<string>();
        int copied = 0;
        foreach (Match marker in Marker().Matches(answer))
        {
            cleaned.Append(answer, copied, marker.Index - copied);
            copied = marker.Index + marker.Length;

            var (valid, invalid) = Resolve(marker.Value, hits.Count);
            foreach (string part in invalid.Where(p => !invalidMarkers.Contains(p)))
            {
                invalidMarkers.Add(part);
                warnings.Add(Warning(part, valid.Count == 0 ? null : marker.Value, hits.Count));
            }

            if (valid.Count == 0)
            {
                copied = RemoveMarker(cleaned, answer, copied);
                continue;
            }
            int position = cleaned.Length;
            mentions.AddRange(valid.Select(n => (position, n - 1)));
            cleaned.Append(invalid.Count == 0 ? marker.Value : "[" + string.Join(", ", valid) + "]");
        }
        cleaned.Append(answer, copied, answer.Length - copied);
        string text = cleaned.ToString();

        var (citations, citedHits) = BuildCitations(text, mentions, hits);
        return new CitationParseResult(text, citations, citedHits, invalidMarkers, warnings);
    }

    private (List<Citation>, List<RetrievalHit>) BuildCitations(
        string text, List<(int Position, int HitIndex)> mentions, IReadOnlyList<RetrievalHit> hits)
    {
        var sentences = SentenceSplitter.Split(text);
        var sentenceTerms = new Dictionary<int, HashSet<string>>();
        var order = new List<string>();
        var sentencesByChunk = new Dictionary<string, (RetrievalHit Hit, List<int> Sentences)>();
        foreach (var (position, hitIndex) in mentions)
        {
            var hit = hits[hitIndex];
            if (!sentencesByChunk.TryGetValue(hit.Chunk.Id, out var entry))
            {
                entry = (hit, []);
                sentencesByChunk[hit.Chunk.Id] = entry;
                order.Add(hit.Chunk.Id);
            }
            int sentence = SentenceAt(sentences, position);
            if (sentence >= 0 && !entry.Sentences.Contains(sentence))
            {
                entry.Sentences.Add(sentence);
                if (!sentenceTerms.ContainsKey(sentence))
                {
                    var (start, end) = sentences[sentence];
                    sentenceTerms[sentence] = Terms(Marker().Replace(text[start..end], " "));
                }
            }
        }

        var citations = new List<Citation>(order.Count);
        var citedHits = new List<RetrievalHit>(order.Count);
        foreach (string chunkId in order)
        {
            var (hit, cited) = sentencesByChunk[chunkId];
            string quote = BestSupportingSentence(hit.Chunk.Text, cited.Select(s => sentenceTerms[s]).ToList());
            citations.Add(new Citation(hit.Chunk.Id, hit.Chunk.DocumentId, hit.Chunk.DocumentName, quote));
            citedHits.Add(hit);
        }
        return (citations, citedHits);
    }

    /// <summary>
    /// The chunk sentence sharing the most distinct terms with any of the answer sentences (ties: the denser, then the
    /// earlier sentence); the chunk's first sentence when nothing overlaps.
    /// </summary>
    private string BestSupportingSentence(string chunkText, List<HashSet<string>> answerSentences)
    {
        var spans = SentenceSplitter.Split(chunkText);
        if (spans.Count == 0)
        {
            return CitationQuote.From(chunkText);
        }
        int best = 0;
        (int Shared, double Density) bestScore = (0, 0);
        for (int i = 0; i < spans.Count; i++)
        {
            var terms = Terms(chunkText[spans[i].Start..spans[i].End]);
            if (terms.Count == 0)
            {
                continue;
            }
            foreach (var answerTerms in answerSentences)
            {
                int shared = terms.Count(answerTerms.Contains);
                double density = (double)shared / terms.Count;
                if (shared > bestScore.Shared || (shared == bestScore.Shared && shared > 0 && density > bestScore.Density))
                {
                    best = i;
                    bestScore = (shared, density);
                }
            }
        }
        return CitationQuote.From(chunkText[spans[best].Start..spans[best].End]);
    }

    private HashSet<string> Terms(string text) => new(_analyzer.Analyze(text), StringComparer.Ordinal);

    private static int SentenceAt(IReadOnlyList<(int Start, int End)> sentences, int position)
    {
        int found = -1;
        for (int i = 0; i < sentences.Count && sentences[i].Start <= position; i++)
        {
            found = i;
        }
        return found;
    }

    /// <summary>The valid source numbers a marker cites (distinct, in order) and the parts that cite nothing retrieved.</summary>
    private static (List<int> Valid, List<string> Invalid) Resolve(string marker, int hitCount)
    {
        var valid = new List<int>();
        var invalid = new List<string>();
        foreach (Match item in MarkerItem().Matches(marker))
        {
            int a = int.Parse(item.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture);
            int b = item.Groups["to"].Success
                ? int.Parse(item.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture)
                : a;
            int low = Math.Min(a, b);
            int high = Math.Max(a, b);
            for (int n = Math.Max(low, 1); n <= Math.Min(high, hitCount); n++)
            {
                if (!valid.Contains(n))
                {
                    valid.Add(n);
                }
            }
            if (low == 0)
            {
                invalid.Add("[0]");
            }
            int firstMissing = Math.Max(low, hitCount + 1);
            if (firstMissing <= high)
            {
                invalid.Add(firstMissing == high ? $"[{high}]" : $"[{firstMissing}-{high}]");
            }
        }
        return (valid, invalid);
    }

    private static string Warning(string invalidPart, string? keptMarker, int hitCount)
    {
        string reason = invalidPart == "[0]"
            ? "sources are numbered from 1"
            : hitCount switch
            {
                0 => "no chunks were retrieved",
                1 => "only 1 chunk was retrieved",
                _ => $"only {hitCount} chunks were retrieved",
            };
        return keptMarker is null
            ? $"The model cited {invalidPart}, but {reason}; the marker was removed."
            : $"The model cited {invalidPart} in {keptMarker}, but {reason}; {invalidPart} was dropped from the marker.";
    }

    /// <summary>
    /// Drops a removed marker's surrounding space so "blue [7]." becomes "blue." and "[7] Blue" becomes "Blue".
    /// Returns where copying from <paramref name="answer"/> resumes.
    /// </summary>
    private static int RemoveMarker(StringBuilder cleaned, string answer, int after)
    {
        char next = after < answer.Length ? answer[after] : '\0';
        bool nextIsGap = next is '\0' || char.IsWhiteSpace(next) || next is '.' or ',' or ';' or ':' or '!' or '?' or ')';
        if (nextIsGap)
        {
            while (cleaned.Length > 0 && cleaned[^1] is ' ' or '\t')
            {
                cleaned.Length--;
            }
        }
        if (cleaned.Length == 0 || cleaned[^1] == '\n')
        {
            while (after < answer.Length && answer[after] is ' ' or '\t')
            {
                after++;
            }
        }
        return after;
    }

    private const string Item = @"(?:source\s*)?\d{1,3}(?:\s*[-–]\s*(?:source\s*)?\d{1,3})?";

    [GeneratedRegex(@"\[\s*" + Item + @"(?:\s*[,;]\s*" + Item + @")*\s*\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex(@"(?:source\s*)?(?<from>\d{1,3})(?:\s*[-–]\s*(?:source\s*)?(?<to>\d{1,3}))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkerItem();
}
