using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>Sends Ollama requests and turns every failure into an <see cref="OllamaException"/> a user can act on.</summary>
internal static class OllamaHttp
{
    public static Uri RequireBaseAddress(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return httpClient.BaseAddress
            ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the Ollama endpoint, e.g. http://localhost:11434.", nameof(httpClient));
    }

    /// <summary>Sends a request; returns the response only if its status is a success.</summary>
    /// <param name="model">The model the request names, for the "ollama pull" hint on 404.</param>
    /// <param name="headersOnly">True to return as soon as headers arrive, so a stream can be read as it is written.</param>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient httpClient, HttpMethod method, string path, object? body, string? model, bool headersOnly, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: OllamaJson.Options);

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(
                request, headersOnly ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new OllamaException(
                $"Ollama at {httpClient.BaseAddress} is not reachable ({ex.Message}). Start it with `ollama serve` or check the endpoint.",
                innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OllamaException(
                $"Ollama at {httpClient.BaseAddress} did not answer {path} within {httpClient.Timeout.TotalSeconds:0.#} s; the model may still be loading, or the timeout is too short.",
                innerException: ex);
        }

        if (response.IsSuccessStatusCode)
            return response;

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw FromErrorStatus(httpClient.BaseAddress, path, response.StatusCode, ErrorText(text), model);
        }
    }

    /// <summary>Reads an NDJSON body one line at a time as it arrives; throws on an <c>{"error": ...}</c> line.</summary>
    public static async IAsyncEnumerable<T> ReadNdjsonAsync<T>(
        HttpResponseMessage response, Uri? endpoint, Func<T, string?> errorOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            T? item;
            try
            {
                item = JsonSerializer.Deserialize<T>(line, OllamaJson.Options);
            }
            catch (JsonException ex)
            {
                throw new OllamaException($"Ollama at {endpoint} sent a line that is not JSON: {Shorten(line)}", innerException: ex);
            }
            if (item is null)
                continue;
            if (errorOf(item) is { } error)
                throw new OllamaException($"Ollama at {endpoint} failed while streaming: {error}", error);
            yield return item;
        }
    }

    /// <summary>Reads a whole JSON body; a body carrying <c>error</c> still throws.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, Uri? endpoint, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (ErrorProperty(text) is { } error)
            throw new OllamaException($"Ollama at {endpoint}: {error}", error, response.StatusCode);
        try
        {
            return JsonSerializer.Deserialize<T>(text, OllamaJson.Options)
                ?? throw new OllamaException($"Ollama at {endpoint} sent an empty body.");
        }
        catch (JsonException ex)
        {
            throw new OllamaException($"Ollama at {endpoint} sent a body RagLab cannot read: {Shorten(text)}", innerException: ex);
        }
    }

    private static OllamaException FromErrorStatus(Uri? endpoint, string path, HttpStatusCode status, string? serverMessage, string? model)
    {
        var what = serverMessage ?? $"HTTP {(int)status} {status}";
        var message = status == HttpStatusCode.NotFound && model is not null
            ? $"Ollama at {endpoint}: {what}. Run `ollama pull {model}` to download the model."
            : $"Ollama at {endpoint} refused {path} (HTTP {(int)status}): {what}";
        return new OllamaException(message, serverMessage, status);
    }

    /// <summary>The <c>error</c> of an <c>{"error": "..."}</c> body (api_errors.mdx), or the raw text if it is not one.</summary>
    private static string? ErrorText(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            var parsed = JsonSerializer.Deserialize<OllamaErrorBody>(body, OllamaJson.Options);
            if (!string.IsNullOrEmpty(parsed?.Error))
                return parsed.Error;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): show the text itself.
        }
        return Shorten(body.Trim());
    }

    private static string? ErrorProperty(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error)
                ? error.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
