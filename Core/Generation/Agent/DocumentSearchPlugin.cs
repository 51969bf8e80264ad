using System.ComponentModel;
using System.Text;
using Microsoft.SemanticKernel;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Core.Generation.Agent;

/// <summary>
/// RagLab's retrieval as a Semantic Kernel plugin: the <c>agent</c> mode's model calls <see cref="SearchAsync"/> as often as it decides
/// to. Every chunk a search returns becomes a numbered source, numbered across searches (a chunk found again keeps its number), so
/// the answer's <c>[n]</c> markers point at what the tool returned. One instance serves one answer, and searches only what its
/// reader may read: the model cannot ask for another view (the tool has no such parameter).
/// </summary>
public sealed class DocumentSearchPlugin(IRetriever retriever, string collection, int defaultTopK, int maxSearches, ReaderScope? scope = null)
{
    private readonly ReaderScope _scope = scope ?? ReaderScope.Everything;

    /// <summary>The plugin's name: the model sees the tool as <c>raglab_search_documents</c>.</summary>
    public const string PluginName = "raglab";

    public const string FunctionName = "search_documents";

    /// <summary>The most chunks one search may return.</summary>
    public const int MaxTopK = 20;

    private readonly object _gate = new();
    private readonly List<RetrievalHit> _sources = [];
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string> _queries = [];
    private int _refused;

    /// <summary>Every chunk the searches returned, in the order first returned: source <c>[n]</c> is <c>Sources[n - 1]</c>.</summary>
    public IReadOnlyList<RetrievalHit> Sources { get { lock (_gate) return [.. _sources]; } }

    /// <summary>The queries searched for, in order (searches refused over the limit are not counted).</summary>
    public IReadOnlyList<string> Queries { get { lock (_gate) return [.. _queries]; } }

    /// <summary>How many calls were refused because the limit of searches was reached.</summary>
    public int Refused { get { lock (_gate) return _refused; } }

    [KernelFunction(FunctionName)]
    [Description("Searches the user's documents and returns the best-matching passages as numbered sources. Cite a source by its number, like [2].")]
    public async Task<string> SearchAsync(
        [Description("What to look for: a short, focused search query")] string query,
        [Description("How many passages to return, from 1 to 20; leave out for the default")] int? topK = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query)) return "The query was empty: search again with the words to look for.";
        lock (_gate)
        {
            if (_queries.Count >= maxSearches)
            {
                _refused++;
                return $"No more searches: the limit of {maxSearches} was reached. Answer now from the sources found so far, " +
                    $"or reply exactly \"{AbstentionDetector.CanonicalPhrase}\" if they do not answer the question.";
            }
            _queries.Add(query.Trim());
        }

        var k = Math.Clamp(topK is > 0 ? topK.Value : defaultTopK, 1, MaxTopK);
        var hits = await retriever.RetrieveAsync(new RetrievalQuery(query.Trim(), collection, k) { Scope = _scope }, cancellationToken);
        if (hits.Count == 0) return "No passage matched this query. Try other words, or answer that the documents do not say.";

        var text = new StringBuilder();
        lock (_gate)
        {
            foreach (var hit in hits)
            {
                if (!_numbers.TryGetValue(hit.Chunk.Id, out var number))
                {
                    _sources.Add(hit);
                    number = _sources.Count;
                    _numbers[hit.Chunk.Id] = number;
                }
                if (text.Length > 0) text.Append("\n\n");
                text.Append('[').Append(number).Append("] (").Append(OneLine(hit.Chunk.DocumentName));
                if (hit.Chunk.HeadingPath.Length > 0) text.Append(" — ").Append(OneLine(hit.Chunk.HeadingPath));
                text.Append(")\n").Append(hit.Chunk.Text.Trim());
            }
        }
        return text.ToString();
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
