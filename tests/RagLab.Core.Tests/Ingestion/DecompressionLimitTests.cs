using System.Diagnostics;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Kernel;
using RagLab.Testing;
using Xunit.Abstractions;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>
/// Compressed formats are read under decompression limits enforced while they inflate: a bomb fails with the limit named
/// after inflating no more than the limit, and without holding it in memory.
/// </summary>
public sealed class DecompressionLimitTests(ITestOutputHelper output)
{
    // The two attacks, generated here: each inflates to 1 GiB.
    private static readonly Lazy<byte[]> Docx = new(() => HostileFiles.DocxBomb(HostileFiles.OneGiB));
    private static readonly Lazy<byte[]> Pdf = new(() => HostileFiles.PdfBomb(HostileFiles.OneGiB));

    public static TheoryData<string> Bombs => new() { "bomb.docx", "bomb.pdf" };

    private static byte[] BombFor(string name) => name.EndsWith(".docx") ? Docx.Value : Pdf.Value;

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task A_file_that_inflates_to_one_GiB_fails_at_the_default_limit_with_the_limit_named_and_bounded_memory(string name)
    {
        var bomb = BombFor(name);
        var registry = DocumentParserRegistry.CreateDefault(); // the defaults for a 50 MB upload limit: 500 MB
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<DecompressionLimitException>(() => registry.ParseAsync(name, new MemoryStream(bomb), CancellationToken.None));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{name}: {bomb.Length / 1024.0:0} KB compressed, failed after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s, " +
            $"{allocated / 1048576.0:0.0} MiB allocated on the parsing thread, peak working set of the test process {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB");
        Assert.Contains("decompression limit of 500 MB", error.Message);
        Assert.Contains("RagLab:Ingestion:MaxInflatedBytesPer", error.Message);
        // Inflating it whole would allocate at least 1 GiB; counted as it inflates, the parse allocates a small multiple of the file.
        Assert.True(allocated < 64L << 20, $"parsing allocated {allocated / 1048576.0:0} MiB");
    }

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task A_smaller_configured_limit_stops_it_earlier_and_names_the_per_part_limit(string name)
    {
        var registry = DocumentParserRegistry.CreateDefault(new DecompressionLimits(MaxBytesPerEntry: 8 << 20, MaxBytesPerDocument: 64 << 20));
        var error = await Assert.ThrowsAsync<DecompressionLimitException>(() => registry.ParseAsync(name, new MemoryStream(BombFor(name)), CancellationToken.None));
        Assert.Contains("8 MB per compressed part", error.Message);
        Assert.Contains("MaxInflatedBytesPerEntry", error.Message);
    }

    [Fact]
    public async Task The_document_limit_counts_all_parts_together()
    {
        var registry = DocumentParserRegistry.CreateDefault(new DecompressionLimits(MaxBytesPerEntry: 64 << 20, MaxBytesPerDocument: 4 << 20));
        var error = await Assert.ThrowsAsync<DecompressionLimitException>(() =>
            registry.ParseAsync("bomb.docx", new MemoryStream(HostileFiles.DocxBomb(16 << 20)), CancellationToken.None));
        Assert.Contains("4 MB per document", error.Message);
        Assert.Contains("MaxInflatedBytesPerDocument", error.Message);
    }

    [Fact]
    public async Task Ordinary_documents_inside_the_limits_still_parse()
    {
        var registry = DocumentParserRegistry.CreateDefault(new DecompressionLimits(1 << 20, 1 << 20));
        var pdf = await registry.ParseAsync("small.pdf", new MemoryStream(HostileFiles.PdfBomb(64 << 10)), CancellationToken.None);
        Assert.Contains("Hello", pdf.Text);
        var docx = await registry.ParseAsync("small.docx", new MemoryStream(HostileFiles.DocxBomb(64 << 10)), CancellationToken.None);
        Assert.StartsWith("aaaa", docx.Text);
    }

    [Fact]
    public void The_default_limit_is_ten_times_the_upload_limit_capped_at_512_MB()
    {
        Assert.Equal(500L << 20, new IngestionOptions().Decompression.MaxBytesPerDocument);
        Assert.Equal(10L << 20, new IngestionOptions { MaxUploadBytes = 1 << 20 }.Decompression.MaxBytesPerEntry);
        Assert.Equal(512L << 20, new IngestionOptions { MaxUploadBytes = 200L << 20 }.Decompression.MaxBytesPerDocument);
        Assert.Equal(3L << 20, new IngestionOptions { MaxInflatedBytesPerEntry = 3 << 20 }.Decompression.MaxBytesPerEntry);
    }
}
