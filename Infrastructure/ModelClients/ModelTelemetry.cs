namespace RagLab.Infrastructure.ModelClients;

/// <summary>Where Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> emits: its default source and meter name.</summary>
public static class ModelTelemetry
{
    public const string SourceName = "Experimental.Microsoft.Extensions.AI";
}
