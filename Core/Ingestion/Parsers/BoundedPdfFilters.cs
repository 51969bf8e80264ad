using System.IO.Compression;
using RagLab.Core.Kernel;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// PdfPig's filters with the <see cref="InflationBudget"/> of one document applied. PdfPig's Flate filter inflates a whole
/// stream into memory and offers no limit, so before it runs, the stream is inflated once more as a stream that keeps nothing
/// and counts its bytes: a bomb stops at the limit with constant memory, and PdfPig then inflates at most what was counted.
/// Other filters that expand (LZW, run-length, ASCII) have a bounded ratio; their output is counted after they run.
/// </summary>
internal sealed class BoundedPdfFilters(InflationBudget budget) : IFilterProvider
{
    private readonly IFilterProvider _inner = DefaultFilterProvider.Instance;

    /// <summary>The first limit passed, kept in case PdfPig's lenient parsing swallowed the exception.</summary>
    public DecompressionLimitException? Exceeded { get; private set; }

    public IReadOnlyList<IFilter> GetFilters(DictionaryToken dictionary) => Wrap(_inner.GetFilters(dictionary));

    public IReadOnlyList<IFilter> GetNamedFilters(IReadOnlyList<NameToken> names) => Wrap(_inner.GetNamedFilters(names));

    public IReadOnlyList<IFilter> GetAllFilters() => Wrap(_inner.GetAllFilters());

    private IReadOnlyList<IFilter> Wrap(IReadOnlyList<IFilter> filters) => filters.Select(f => (IFilter)new Bounded(f, this)).ToList();

    private void Count(long bytes, long partTotal, string part)
    {
        try
        {
            budget.Add(bytes, partTotal, part);
        }
        catch (DecompressionLimitException ex)
        {
            Exceeded ??= ex;
            throw;
        }
    }

    private sealed class Bounded(IFilter inner, BoundedPdfFilters owner) : IFilter
    {
        public bool IsSupported => inner.IsSupported;

        public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
        {
            if (owner.Exceeded is { } exceeded) throw exceeded;
            if (inner is FlateFilter)
            {
                // Counted as it inflates: the limit stops a bomb before PdfPig allocates anything for it.
                var inflated = DryInflate(input, owner);
                var output = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
                // PdfPig may recover more of a damaged stream than the dry run did: count the rest too.
                if (output.Length > inflated) owner.Count(output.Length - inflated, output.Length, "a PDF Flate stream");
                return output;
            }
            var decoded = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
            if (decoded.Length > input.Length) owner.Count(decoded.Length, decoded.Length, "a PDF stream");
            return decoded;
        }

        private static long DryInflate(Memory<byte> input, BoundedPdfFilters owner)
        {
            // As PdfPig does: skip the two-byte zlib header and inflate the raw deflate data after it.
            if (input.Length < 2) return 0;
            using var compressed = new MemoryStream(input[2..].ToArray(), writable: false);
            long total = 0;
            var scratch = new byte[81920];
            try
            {
                using var deflate = new DeflateStream(compressed, CompressionMode.Decompress);
                int read;
                while ((read = deflate.Read(scratch, 0, scratch.Length)) > 0)
                {
                    total += read;
                    owner.Count(read, total, "a PDF Flate stream");
                }
            }
            catch (InvalidDataException)
            {
                // Damaged or truncated data: PdfPig keeps what inflated before the damage, which was counted.
            }
            return total;
        }
    }
}
