using System.Numerics.Tensors;
using RagLab.Core.Retrieval;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>The int8 scan behind <see cref="ExactVectorIndex"/>: its per-row intervals must hold the float32 score, and be narrow.</summary>
public class ExactVectorIndexBoundsTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(50)]
    [InlineData(384)]
    [InlineData(1536)]
    public void Every_row_interval_contains_its_float32_score(int dimensions)
    {
        var random = new Random(dimensions);
        const int rows = 300;
        var unitRows = Enumerable.Range(0, rows).Select(i =>
        {
            var vector = Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            if (i % 3 == 0) vector[random.Next(dimensions)] = 40; // a spike: the coarsest int8 step for the rest
            if (i % 50 == 0) Array.Clear(vector);
            return Unit(vector);
        }).ToArray();
        var quantized = new VectorQuantizedRows();
        quantized.Reset(rows, dimensions);
        for (var row = 0; row < rows; row++) quantized.Set(row, unitRows[row]);

        for (var q = 0; q < 20; q++)
        {
            var query = Unit(Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
            if (q % 4 == 0) query = unitRows[random.Next(rows)];
            var quantizedQuery = VectorQuantizedQuery.Create(query);
            for (var row = 0; row < rows; row++)
            {
                var (lower, upper) = Interval(quantized, quantizedQuery, row);
                double exact = TensorPrimitives.Dot(unitRows[row], query);
                Assert.InRange(exact, lower, upper);
            }
        }
    }

    [Fact]
    public void Intervals_of_typical_embeddings_are_narrow_enough_to_prune()
    {
        // Cosines of unrelated 384-dimension vectors spread by about ±0.05; intervals must be far narrower to skip rows.
        var random = new Random(3);
        const int dimensions = 384;
        var quantized = new VectorQuantizedRows();
        quantized.Reset(100, dimensions);
        for (var row = 0; row < 100; row++)
            quantized.Set(row, Unit(Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()));
        var quantizedQuery = VectorQuantizedQuery.Create(Unit(Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()));

        for (var row = 0; row < 100; row++)
        {
            var (lower, upper) = Interval(quantized, quantizedQuery, row);
            Assert.InRange(upper - lower, 0, 0.03);
        }
    }

    [Fact]
    public void The_bound_heap_threshold_is_the_k_th_largest_bound_offered()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 1_000).Select(_ => Math.Round(random.NextDouble() * 2 - 1, 2)).ToArray(); // with repeats
        var heap = new VectorBoundHeap(10);
        var partial = new VectorBoundHeap(10);
        foreach (var value in values) heap.Offer(value);
        foreach (var value in values.Take(9)) partial.Offer(value);

        Assert.Equal(values.OrderDescending().ElementAt(9), heap.Threshold);
        Assert.Equal(double.NegativeInfinity, partial.Threshold);
    }

    /// <summary>Scans one row alone: a heap of one then holds exactly its lower bound, and it is the only candidate.</summary>
    private static (double Lower, double Upper) Interval(VectorQuantizedRows quantized, VectorQuantizedQuery query, int row)
    {
        var lower = new VectorBoundHeap(1);
        var candidates = new List<(int Row, double UpperBound)>();
        quantized.Scan(query, row, row + 1, lower, candidates);
        var candidate = Assert.Single(candidates);
        Assert.Equal(row, candidate.Row);
        return (lower.Threshold, candidate.UpperBound);
    }

    private static float[] Unit(float[] vector)
    {
        var unit = new float[vector.Length];
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, unit);
        return unit;
    }
}
