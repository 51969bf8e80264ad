using System.Runtime.InteropServices;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace RagLab.Benchmarks;

/// <summary>
/// Lucene.Net 4.8 configured as Anserini indexes BEIR: EnglishAnalyzer, BM25Similarity(0.9, 0.4), one field holding
/// title + text, a stored id; in a RAMDirectory. Queries are Anserini's bag of words: one SHOULD TermQuery per
/// analyzed term, boosted by how often it occurs in the query.
/// </summary>
internal sealed class LuceneBm25 : IDisposable
{
    private const string IdField = "id";
    private const string ContentsField = "contents";
    private static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    private readonly EnglishAnalyzer _analyzer = new(Version);
    private readonly RAMDirectory _directory = new();
    private IndexWriter? _writer;
    private DirectoryReader? _reader;
    private IndexSearcher? _searcher;

    public LuceneBm25()
    {
        var config = new IndexWriterConfig(Version, _analyzer)
        {
            Similarity = new BM25Similarity(0.9f, 0.4f),
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 256,
        };
        _writer = new IndexWriter(_directory, config);
    }

    public void Add(string id, string text)
    {
        var document = new Document
        {
            new StringField(IdField, id, Field.Store.YES),
            new TextField(ContentsField, text, Field.Store.NO),
        };
        _writer!.AddDocument(document);
    }

    /// <summary>Commits what was added (the end of the timed build).</summary>
    public void Commit() => _writer!.Commit();

    /// <summary>Merges to one segment, as Anserini's -optimize does (the fastest index to search), and opens a searcher.</summary>
    public void OptimizeAndOpen()
    {
        _writer!.ForceMerge(1);
        _writer.Dispose();
        _writer = null;
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity(0.9f, 0.4f) };
    }

    public long DirectoryBytes => _directory.GetSizeInBytes();

    public Query ParseQuery(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var stream = _analyzer.GetTokenStream(ContentsField, text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken()) CollectionsMarshal.GetValueRefOrAddDefault(counts, term.ToString(), out _)++;
            stream.End();
        }
        var query = new BooleanQuery();
        foreach (var (term, count) in counts)
            query.Add(new TermQuery(new Term(ContentsField, term)) { Boost = count }, Occur.SHOULD);
        return query;
    }

    /// <summary>Lucene's top K: internal doc numbers and scores (ids are read separately, outside any timing).</summary>
    public TopDocs Search(Query query, int topK) => _searcher!.Search(query, topK);

    public string IdOf(int document) => _searcher!.Doc(document).Get(IdField);

    public void Dispose()
    {
        _writer?.Dispose();
        _reader?.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }
}
