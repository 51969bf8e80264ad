using System.Diagnostics;

namespace RagLab.Benchmarks;

/// <summary>Process memory as the benchmarks print it.</summary>
internal static class MemoryReport
{
    public static string Describe()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return $"working set {Mib(process.WorkingSet64)}, GC heap {Mib(GC.GetTotalMemory(forceFullCollection: false))}";
    }

    /// <summary>The managed heap after a full collection.</summary>
    public static long CollectedHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>
    /// Resident memory by kind (Linux /proc/self/status; zeros elsewhere): anonymous (heaps), file-backed (mapped files,
    /// which the kernel can drop and re-read) and shared memory.
    /// </summary>
    public static (long Anonymous, long File, long Shared) Resident()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return (0, 0, 0);
        long anonymous = 0, file = 0, shared = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anonymous = Kib(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kib(line);
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal)) shared = Kib(line);
        }
        return (anonymous, file, shared);

        static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    public static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";
}
