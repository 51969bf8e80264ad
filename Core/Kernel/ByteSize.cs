namespace RagLab.Core.Kernel;

/// <summary>Byte counts as a person reads them in an error message.</summary>
public static class ByteSize
{
    public static string Format(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MB" : $"{bytes / 1024.0:0.#} KB";
}
