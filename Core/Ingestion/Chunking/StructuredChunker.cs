
using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion.Chunking;

/// <summary>
/// Splits a parsed document into chunks, structure first: a heading starts a new chunk and stays with the content after it;
/// consecutive blocks under the same heading path are packed up to <see cref="ChunkingOptions.MaxTokens"/>; a block too big
/// for one chunk is split at sentence (else word) boundaries, with <see cref="ChunkingOptions.OverlapTokens"/> repeated
/// between its pieces. Every chunk's text is exactly <c>parsed.Text[Start..End]</c>, with no whitespace at either edge.
/// </summary>
public sealed class StructuredChunker
{
    private readonly int _maxTokens;
    private readonly int _overlapTokens;

    /// <exception cref="ValidationException">The options are out of range.</exception>
    public StructuredChunker(ChunkingOptions options)
    {
        options.Validate();
        _maxTokens = options.MaxTokens;
        _overlapTokens = options.OverlapTokens;
    }

    public IReadOnlyList<Chunk> Chunk(ParsedDocument parsed, string documentId, string documentName, string collection)
    {
        var spans = new List<(int Start, int End, string Path)>();
        foreach (var section in Sections(parsed))
            new SectionPacker(parsed.Text, _maxTokens, _overlapTokens, spans, string.Join(" > ", section.Path)).Pack(section.Blocks);

        var chunks = new List<Chunk>(spans.Count);
        foreach (var (start, end, path) in spans)
        {
            var text = parsed.Text[start..end];
            var position = chunks.Count;
            chunks.Add(new Chunk(DocumentIds.ForChunk(documentId, position, text), documentId, documentName, collection,
                position, path, text, start, end));
        }
        return chunks;
    }

    /// <summary>
    /// Runs of blocks that share a heading path; each heading begins a new run. Block spans are clamped to the text,
    /// kept in order and trimmed of edge whitespace; empty blocks are dropped.
    /// </summary>
    private static List<(IReadOnlyList<string> Path, List<(int Start, int End, bool IsHeading)> Blocks)> Sections(ParsedDocument parsed)
    {
        var text = parsed.Text;
        var sections = new List<(IReadOnlyList<string>, List<(int, int, bool)>)>();
        IReadOnlyList<string>? currentPath = null;
        List<(int, int, bool)>? current = null;
        var previousEnd = 0;
        foreach (var block in parsed.Blocks)
        {
            var start = Math.Clamp(Math.Max(block.Start, previousEnd), 0, text.Length);
            var end = Math.Clamp(block.End, start, text.Length);
            while (start < end && char.IsWhiteSpace(text[start])) start++;
            while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
            if (start == end)
                continue;
            previousEnd = end;
            if (current is null || block.IsHeading || !currentPath!.SequenceEqual(block.HeadingPath))
            {
                current = [];
                currentPath = block.HeadingPath;
                sections.Add((currentPath, current));
            }
            current.Add((start, end, block.IsHeading));
        }
        return sections;
    }

    /// <summary>Packs one section's blocks into chunk spans.</summary>
    private sealed class SectionPacker(string text, int maxTokens, int overlapTokens, List<(int, int, string)> output, string path)
    {
        private int? _chunkStart;
        private int _chunkEnd;
        private int _chunkTokens;
        private bool _chunkIsLoneHeading;

        public void Pack(List<(int Start, int End, bool IsHeading)> blocks)
        {
            foreach (var (start, end, isHeading) in blocks)
            {
                if (_chunkStart is { } open)
                {
                    var extended = Extend(open, _chunkEnd, _chunkTokens, end);
                    if (extended <= maxTokens)
                    {
                        (_chunkEnd, _chunkTokens, _chunkIsLoneHeading) = (end, extended, false);
                        continue;
                    }
                }
                var blockTokens = Tokens(start, end);
                if (blockTokens <= maxTokens)
                {
                    Flush();
                    (_chunkStart, _chunkEnd, _chunkTokens, _chunkIsLoneHeading) = (start, end, blockTokens, isHeading);
                    continue;
                }
                // Too big for one chunk: a lone heading leads the first piece; anything else is closed first.
                int? prefix = _chunkIsLoneHeading ? _chunkStart : null;
                if (prefix is null)
                    Flush();
                Split(start, end, prefix);
            }
            Flush();
        }

        private void Flush()
        {
            if (_chunkStart is { } start)
                output.Add((start, _chunkEnd, path));
            _chunkStart = null;
            _chunkIsLoneHeading = false;
        }

        /// <summary>Splits an oversized block into overlapping pieces; the last piece stays open for following blocks.</summary>
        private void Split(int blockStart, int blockEnd, int? prefixStart)
        {
            var units = Units(blockStart, blockEnd);
            var pieceStart = units[0].Start;
            if (prefixStart is { } prefix)
            {
                if (Tokens(prefix, units[0].End) <= maxTokens)
                    pieceStart = prefix;
                _chunkStart = null;
                if (pieceStart != prefix)
                    output.Add((prefix, _chunkEnd, path)); // the heading and the first sentence do not fit together
            }
            var next = 0;
            while (true)
            {
                var pieceEnd = units[next].End; // fits: units are within budget and overlap is chosen to leave room
                var pieceTokens = Tokens(pieceStart, pieceEnd);
                next++;
                while (next < units.Count)
                {
                    var extended = Extend(pieceStart, pieceEnd, pieceTokens, units[next].End);
                    if (extended > maxTokens)
                        break;
                    (pieceEnd, pieceTokens) = (units[next++].End, extended);
                }
                if (next == units.Count)
                {
                    (_chunkStart, _chunkEnd, _chunkTokens, _chunkIsLoneHeading) = (pieceStart, pieceEnd, pieceTokens, false);
                    return;
                }
                output.Add((pieceStart, pieceEnd, path));
                pieceStart = OverlapStart(Math.Max(pieceStart, blockStart), pieceEnd, units[next].End) ?? units[next].Start;
            }
        }

        /// <summary>
        /// The earliest word start in [lowerBound, pieceEnd) whose tail up to pieceEnd has at most OverlapTokens tokens and
        /// still leaves room for the next unit; null when no overlap fits.
        /// </summary>
        private int? OverlapStart(int lowerBound, int pieceEnd, int nextUnitEnd)
        {
            if (overlapTokens == 0)
                return null;
            int? best = null;
            var tailTokens = 0;
            var wordEnd = pieceEnd;
            for (var p = pieceEnd - 1; p >= lowerBound; p--)
            {
                if (char.IsWhiteSpace(text[p]) || (p > lowerBound && !char.IsWhiteSpace(text[p - 1])))
                    continue;
                // p starts a word; counts add up across whitespace, so grow the tail word by word.
                tailTokens += Tokens(p, wordEnd);
                wordEnd = p;
                if (tailTokens > overlapTokens)
                    break;
                if (Tokens(p, nextUnitEnd) <= maxTokens)
                    best = p;
            }
            return best;
        }

        /// <summary>Sentences and lines of a block; any still over budget are cut into words, and giant words into slices.</summary>
        private List<(int Start, int End)> Units(int start, int end)
        {
            var units = new List<(int, int)>();
            foreach (var (sentenceStart, sentenceEnd) in Sentences(start, end))
            {
                if (Tokens(sentenceStart, sentenceEnd) <= maxTokens)
                {
                    units.Add((sentenceStart, sentenceEnd));
                    continue;
                }
                foreach (var (wordStart, wordEnd) in Words(sentenceStart, sentenceEnd))
                {
                    if (Tokens(wordStart, wordEnd) <= maxTokens)
                    {
                        units.Add((wordStart, wordEnd));
                        continue;
                    }
                    // Every token covers at least one character, so a slice of maxTokens characters always fits.
                    for (var s = wordStart; s < wordEnd;)
                    {
                        var e = Math.Min(s + maxTokens, wordEnd);
                        if (e < wordEnd && char.IsHighSurrogate(text[e - 1]))
                            e--;
                        units.Add((s, e));
                        s = e;
                    }
                }
            }
            return units;
        }

        /// <summary>Trimmed spans ending after . ! ? … (and any closing quotes or brackets) before whitespace, or at a line break.</summary>
        private IEnumerable<(int, int)> Sentences(int start, int end)
        {
            var segmentStart = start;
            for (var i = start; i < end; i++)
            {
                var c = text[i];
                var boundary = c == '\n';
                if (!boundary && c is '.' or '!' or '?' or '…' or '。' or '！' or '？')
                {
                    var j = i + 1;
                    while (j < end && text[j] is '"' or '\'' or ')' or ']' or '”' or '’' or '»')
                        j++;
                    if (j == end || char.IsWhiteSpace(text[j]) || c is '。' or '！' or '？')
                    {
                        i = j - 1;
                        boundary = true;
                    }
                }
                if (boundary)
                {
                    if (Trim(segmentStart, i + 1) is { } sentence)
                        yield return sentence;
                    segmentStart = i + 1;
                }
            }
            if (Trim(segmentStart, end) is { } last)
                yield return last;
        }

        private IEnumerable<(int, int)> Words(int start, int end)
        {
            var i = start;
            while (i < end)
            {
                while (i < end && char.IsWhiteSpace(text[i])) i++;
                var wordStart = i;
                while (i < end && !char.IsWhiteSpace(text[i])) i++;
                if (i > wordStart)
                    yield return (wordStart, i);
            }
        }

        private (int, int)? Trim(int start, int end)
        {
            while (start < end && char.IsWhiteSpace(text[start])) start++;
            while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
            return start < end ? (start, end) : null;
        }

        private int Tokens(int start, int end) => TokenCounter.Count(text.AsSpan(start, end - start));

        /// <summary>
        /// Tokens of [start, newEnd) given the count for [start, end). Counts add up at a whitespace split, which keeps
        /// packing linear; otherwise (a word cut into slices) the span is recounted.
        /// </summary>
        private int Extend(int start, int end, int tokens, int newEnd) =>
            end < text.Length && char.IsWhiteSpace(text[end]) ? tokens + Tokens(end, newEnd) : Tokens(start, newEnd);
    }
}
