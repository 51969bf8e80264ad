namespace RagLab.Testing;

/// <summary>An error the fake answers with Qdrant's <c>ErrorResponse</c> body: <c>{"status": {"error": message}}</c>.</summary>
public sealed class FakeQdrantException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static FakeQdrantException BadRequest(string message) => new(400, message);

    public static FakeQdrantException CollectionNotFound(string name) => new(404, $"Not found: Collection `{name}` doesn't exist!");
}
