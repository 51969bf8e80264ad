using System.Text.Json;

namespace RagLab.Benchmarks;

/// <summary>One run of the <c>load</c> mode: its settings and figures, kept as JSON so the next run prints beside it.</summary>
internal sealed record LoadRun(
    DateTimeOffset At,
    string Corpus,
    int Clients,
    int Seconds,
    int Prefilled,
    string LoadAverage,
    LoadFigures Search,
    LoadFigures AskCached,
    LoadFigures AskUncached,
    LoadFigures AskUncachedFullCache)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The run kept at <paramref name="path"/>, or null when there is none (or it cannot be read).</summary>
    public static LoadRun? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<LoadRun>(File.ReadAllText(path), Options);
        }
        catch (JsonException ex)
        {
            Console.Error.WriteLine($"load: ignoring the previous run's figures in {path}: {ex.Message}");
            return null;
        }
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Options));
    }

    /// <summary>A table of this run's figures beside <paramref name="previous"/>'s, with the change in throughput.</summary>
    public void PrintBeside(LoadRun? previous, string path)
    {
        Console.WriteLine(previous is null
            ? $"no previous run in {Path.GetFullPath(path)}; this run's figures are kept there for the next one"
            : $"beside the previous run ({previous.At:yyyy-MM-dd HH:mm} UTC, {previous.Clients} clients, {previous.Seconds} s per phase, " +
              $"load average {previous.LoadAverage} at its end; kept in {Path.GetFullPath(path)}):");
        if (previous is not null && previous.Corpus != Corpus)
            Console.WriteLine($"  note: the previous run loaded {previous.Corpus}, this one {Corpus}");
        if (previous is not null && previous.Prefilled != Prefilled)
            Console.WriteLine($"  note: the previous run prefilled {previous.Prefilled:N0} answers, this one {Prefilled:N0}");
        Console.WriteLine($"  {"",-36} {"now",-47}previous");
        Row("search (bm25, top 10)", Search, previous?.Search);
        Row("ask, cached", AskCached, previous?.AskCached);
        Row("ask, uncached, cache started empty", AskUncached, previous?.AskUncached);
        Row($"ask, uncached, {Prefilled:N0} cached", AskUncachedFullCache, previous?.AskUncachedFullCache);
    }

    private static void Row(string what, LoadFigures now, LoadFigures? before)
    {
        var change = before is { RequestsPerSecond: > 0 } b ? $"  ({(now.RequestsPerSecond / b.RequestsPerSecond - 1) * 100:+0;-0}% req/s)" : "";
        Console.WriteLine($"  {what,-36} {now,-46} {before?.ToString() ?? "(none)"}{change}");
    }
}
