namespace RagLab.Cli;

/// <summary>The command line itself is wrong (an unknown mode, a missing path): exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
