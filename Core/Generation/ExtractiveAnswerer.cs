using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// The answer used when no chat model is connected: the sentences of the top chunks that best match the question,
/// copied verbatim with <c>[n]</c> markers (n = the hit's position in the list, as in <see cref="RagPromptBuilder"/>).
/// It never writes words of its own: it either quotes the chunks or abstains with <see cref="AbstentionDetector.CanonicalPhrase"/>.
/// </summary>
/// <param name="analyzer">The retrieval analyzer, so "matching" means the same thing as in the lexical index.</param>
public sealed class ExtractiveAnswerer(IAnalyzer analyzer)
{
    /// <summary>Only this many top hits are read; lower hits rarely hold the answer and add noise.</summary>
    public const int MaxChunks = 5;

    // A sentence needs this many words to stand alone; shorter ones are headings or list labels.
    private const int MinWords = 3;

    // A sentence must score at least this fraction of the best one to be added after it.
    private const double MinRelativeScore = 0.35;

    // Two sentences sharing this fraction of their terms (Jaccard) say the same thing; only the better is kept.
    private const double NearDuplicateOverlap = 0.6;

    // Up to this much extra score for a sentence from the top-ranked chunk, shrinking linearly down the ranking.
    private const double RankBonus = 0.1;

    private readonly IAnalyzer _analyzer = analyzer ?? throw new ArgumentNullException(nameof(analyzer));

    /// <summary>
    /// Picks up to <paramref name="maxSentences"/> sentences: scored by the idf-weighted question terms they contain
    /// (idf over all candidate sentences, so rare terms count most), with a small bonus for higher-ranked chunks,
    /// skipping near-duplicates. Sentences from the same chunk keep their document order; chunks appear in order of
    /// their best sentence.
    /// </summary>
    public ExtractiveAnswer Answer(string question, IReadOnlyList<RetrievalHit> hits, int maxSentences = 3)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSentences);

        var questionTerms = new HashSet<string>(_analyzer.Analyze(question), StringComparer.Ordinal);
        var candidates = Candidates(hits);
        if (questionTerms.Count == 0 || candidates.Count == 0)
        {
            return Abstain();
        }

        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            foreach (string term in candidate.Terms.Where(questionTerms.Contains))
            {
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
            }
        }

        int chunkCount = Math.Min(hits.Count, MaxChunks);
        foreach (var candidate in candidates)
        {
            double score = 0;
            foreach (var (term, df) in documentFrequency)
            {
                if (candidate.Terms.Contains(term))
                {
                    score += Math.Log(1 + (candidates.Count - df + 0.5) / (df + 0.5));
                }
            }
            double bonus = 1 + RankBonus * (chunkCount - candidate.HitIndex) / chunkCount;
            candidate.Score = score * bonus;
        }

        var ranked = candidates.Where(c => c.Score > 0)
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.HitIndex)
            .ThenBy(c => c.Start)
            .ToList();
        if (ranked.Count == 0)
        {
            return Abstain();
        }

        var chosen = new List<Candidate>();
        double floor = ranked[0].Score * MinRelativeScore;
        foreach (var candidate in ranked)
        {
            if (chosen.Count == maxSentences || candidate.Score < floor)
            {
                break;
            }
            if (!chosen.Any(c => IsNearDuplicate(c, candidate)))
            {
                chosen.Add(candidate);
            }
        }
        return Compose(chosen, hits);
    }

    private static ExtractiveAnswer Compose(List<Candidate> chosen, IReadOnlyList<RetrievalHit> hits)
    {
        // Readable order: the chunk holding the best sentence first; within a chunk, the document's own order.
        var chunkOrder = chosen.Select(c => c.HitIndex).Distinct().ToList();
        var ordered = chosen.OrderBy(c => chunkOrder.IndexOf(c.HitIndex)).ThenBy(c => c.Start).ToList();

        var parts = new List<string>(ordered.Count);
        var citations = new List<Citation>();
        var cited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in ordered)
        {
            string separator = parts.Count == 0 ? "" : EndsSentence(parts[^1]) ? " " : "\n";
            parts.Add(separator + candidate.Text + $" [{candidate.HitIndex + 1}]");
            var chunk = hits[candidate.HitIndex].Chunk;
            if (cited.Add(chunk.Id))
            {
                citations.Add(new Citation(chunk.Id, chunk.DocumentId, chunk.DocumentName, CitationQuote.From(candidate.Text)));
            }
        }
        return new ExtractiveAnswer(string.Concat(parts), citations, Abstained: false);
    }

    private static bool EndsSentence(string part)
    {
        // Parts end with " [n]"; look at the sentence before the marker.
        int marker = part.LastIndexOf(" [", StringComparison.Ordinal);
        string sentence = (marker >= 0 ? part[..marker] : part).TrimEnd('"', '\'', ')', '”', '’', '*', '_');
        return sentence.Length > 0 && sentence[^1] is '.' or '!' or '?' or '…' or '。' or '！' or '？';
    }

    private List<Candidate> Candidates(IReadOnlyList<RetrievalHit> hits)
    {
        var candidates = new List<Candidate>();
        var seenChunks = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Math.Min(hits.Count, MaxChunks); i++)
        {
            var chunk = hits[i].Chunk;
            if (!seenChunks.Add(chunk.Id))
            {
                continue;
            }
            foreach (var (start, end) in SentenceSplitter.Split(chunk.Text))
            {
                string text = Tidy(chunk.Text[start..end]);
                if (text.Split(' ').Length < MinWords)
                {
                    continue;
                }
                var terms = new HashSet<string>(_analyzer.Analyze(text), StringComparer.Ordinal);
                if (terms.Count > 0)
                {
                    candidates.Add(new Candidate(i, start, text, terms));
                }
            }
        }
        return candidates;
    }

    /// <summary>Collapses whitespace and drops a leading list bullet or heading mark; the words stay verbatim.</summary>
    private static string Tidy(string sentence)
    {
        string text = string.Join(' ', sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        int skip = 0;
        while (skip < text.Length && text[skip] == '#')
        {
            skip++;
        }
        if (skip == 0 && text.Length > 2 && text[0] is '-' or '*' or '+' or '•' && text[1] == ' ')
        {
            skip = 1;
        }
        return text[skip..].TrimStart();
    }

    private static bool IsNearDuplicate(Candidate a, Candidate b)
    {
        if (string.Equals(a.Text, b.Text, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        int shared = a.Terms.Count(b.Terms.Contains);
        int union = a.Terms.Count + b.Terms.Count - shared;
        return union > 0 && (double)shared / union >= NearDuplicateOverlap;
    }

    private static ExtractiveAnswer Abstain() => new(AbstentionDetector.CanonicalPhrase, [], Abstained: true);

    private sealed class Candidate(int hitIndex, int start, string text, HashSet<string> terms)
    {
        public int HitIndex { get; } = hitIndex;
        public int Start { get; } = start;
        public string Text { get; } = text;
        public HashSet<string> Terms { get; } = terms;
        public double Score { get; set; }
    }
}
