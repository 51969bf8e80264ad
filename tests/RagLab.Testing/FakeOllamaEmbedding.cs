using System.Text;

namespace RagLab.Testing;

/// <summary>
/// Deterministic stand-in for an embedding model: a hashed bag of words. Each lower-cased word adds 1 to dimension
/// FNV-1a(word) mod <see cref="Dimensions"/>, then the vector is L2-normalised, so texts sharing words have a high cosine.
/// </summary>
public static class FakeOllamaEmbedding
{
    /// <summary>The same size as all-minilm's vectors.</summary>
    public const int Dimensions = 384;

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in Words(text))
            vector[(int)(Fnv1a(word) % Dimensions)] += 1f;

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm == 0)
        {
            // Text without words still gets a unit vector, so cosine similarity is always defined.
            vector[0] = 1f;
            return vector;
        }
        for (var i = 0; i < vector.Length; i++)
            vector[i] /= norm;
        return vector;
    }

    /// <summary>Lower-cased runs of letters and digits.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0)
            yield return word.ToString();
    }

    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(word))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }
}
