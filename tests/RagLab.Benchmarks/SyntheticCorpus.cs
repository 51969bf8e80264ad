using System.Text;

namespace RagLab.Benchmarks;

/// <summary>
/// Deterministic synthetic text: a vocabulary of pronounceable pseudo-words drawn with a Zipf-like
/// distribution (frequency ∝ 1/rank^1.07, as in natural text), so a few terms have very long postings.
/// </summary>
internal sealed class SyntheticCorpus
{
    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "cr", "dr", "gr", "pl", "st", "tr"];
    private static readonly string[] Nuclei = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];

    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;
    private Random _random;

    /// <param name="streamSeed">When given, words are drawn from a stream of its own over the same vocabulary (e.g. for queries).</param>
    public SyntheticCorpus(int vocabularySize, int seed, int? streamSeed = null)
    {
        _random = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        var builder = new StringBuilder();
        while (words.Count < vocabularySize)
        {
            builder.Clear();
            var syllables = 2 + _random.Next(3);
            for (var s = 0; s < syllables; s++)
                builder.Append(Onsets[_random.Next(Onsets.Length)]).Append(Nuclei[_random.Next(Nuclei.Length)]);
            builder.Append('x'); // a final consonant the stemmer leaves alone, so words stay distinct terms
            words.Add(builder.ToString());
        }
        _vocabulary = [.. words];
        _cumulative = new double[vocabularySize];
        double total = 0;
        for (var rank = 0; rank < vocabularySize; rank++)
        {
            total += 1 / Math.Pow(rank + 1, 1.07);
            _cumulative[rank] = total;
        }
        for (var rank = 0; rank < vocabularySize; rank++) _cumulative[rank] /= total;
        if (streamSeed is { } stream) _random = new Random(stream);
    }

    public string NextWord()
    {
        var index = Array.BinarySearch(_cumulative, _random.NextDouble());
        if (index < 0) index = ~index;
        return _vocabulary[Math.Min(index, _vocabulary.Length - 1)];
    }

    public string NextText(int words)
    {
        var builder = new StringBuilder(words * 8);
        for (var i = 0; i < words; i++)
        {
            if (i > 0) builder.Append(' ');
            builder.Append(NextWord());
        }
        return builder.ToString();
    }

    public int NextInt(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);

    public float[] NextVector(int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(_random.NextDouble() * 2 - 1);
        return vector;
    }
}
