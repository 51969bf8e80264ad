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

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";
}
