using System.Net;
using System.Text;
using System.Text.Json;
using RagLab.Contracts;

namespace RagLab.Web.Tests.Components;

/// <summary>
/// The Api as the pages see it over HTTP, answering each route with what a test scripted: JSON in the contract's shape,
/// a problem response, an SSE stream, or an answer held back until the test releases it (the loading state). A route
/// nobody scripted answers 404 with a problem, as ASP.NET Core does for an unknown route.
/// </summary>
public sealed class ScriptedApi : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string Path, Func<HttpRequestMessage, Task<HttpResponseMessage>> Answer)> _routes = [];
    private readonly List<string> _requests = [];

    /// <summary>Every request as "METHOD /path?query", in arrival order.</summary>
    public IReadOnlyList<string> Requests { get { lock (_requests) return [.. _requests]; } }

    /// <summary>Answers <paramref name="path"/> (with or without its query) with <paramref name="body"/> as JSON.</summary>
    public ScriptedApi Json(HttpMethod method, string path, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        On(method, path, _ => Task.FromResult(JsonResponse(body, status)));

    public ScriptedApi Get(string path, object body) => Json(HttpMethod.Get, path, body);

    /// <summary>Answers with an RFC 7807 problem, as the Api does for errors.</summary>
    public ScriptedApi Problem(HttpMethod method, string path, HttpStatusCode status, string detail) =>
        On(method, path, _ => Task.FromResult(ProblemResponse(status, detail)));

    /// <summary>Holds the answer until the returned source is completed: the page shows its loading state meanwhile.</summary>
    public TaskCompletionSource Hold(HttpMethod method, string path, object body)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        On(method, path, async _ =>
        {
            await release.Task;
            return JsonResponse(body, HttpStatusCode.OK);
        });
        return release;
    }

    /// <summary>Answers <c>POST /api/ask/stream</c> for one mode with token events, then the done event (as the Api writes them).</summary>
    public ScriptedApi Stream(Func<AskRequest, IEnumerable<AskStreamEvent>> events) =>
        On(HttpMethod.Post, "/api/ask/stream", async request =>
        {
            var ask = JsonSerializer.Deserialize<AskRequest>(await request.Content!.ReadAsStringAsync(), RagLabJson.Options)!;
            var body = new StringBuilder();
            foreach (var e in events(ask))
            {
                var (name, data) = e switch
                {
                    AskTokenEvent token => (AskStreamEvent.TokenName, JsonSerializer.Serialize(token, RagLabJson.Options)),
                    AskDoneEvent done => (AskStreamEvent.DoneName, JsonSerializer.Serialize(done.Response, RagLabJson.Options)),
                    AskErrorEvent error => (AskStreamEvent.ErrorName, JsonSerializer.Serialize(error, RagLabJson.Options)),
                    _ => throw new ArgumentException("Unknown event"),
                };
                body.Append($"event: {name}\ndata: {data}\n\n");
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToString(), Encoding.UTF8, "text/event-stream") };
        });

    public ScriptedApi On(HttpMethod method, string path, Func<HttpRequestMessage, Task<HttpResponseMessage>> answer)
    {
        lock (_routes)
        {
            _routes.RemoveAll(r => r.Method == method && r.Path == path);
            _routes.Add((method, path, answer));
        }
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        lock (_requests) _requests.Add($"{request.Method} {pathAndQuery}");
        Func<HttpRequestMessage, Task<HttpResponseMessage>>? answer;
        lock (_routes)
            answer = _routes.LastOrDefault(r => r.Method == request.Method && r.Path == pathAndQuery).Answer
                ?? _routes.LastOrDefault(r => r.Method == request.Method && r.Path == request.RequestUri.AbsolutePath).Answer;
        var response = answer is null
            ? ProblemResponse(HttpStatusCode.NotFound, null)
            : await answer(request).WaitAsync(cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    /// <summary>A JSON answer in the contract's shape, for tests that script a route with <see cref="On"/>.</summary>
    public static HttpResponseMessage JsonResponse(object body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), RagLabJson.Options), Encoding.UTF8, "application/json") };

    /// <summary>A 400 problem carrying the bad lines of a refused JSONL upload in its <c>errors</c> extension, as the Api writes it.</summary>
    public static HttpResponseMessage ProblemWithLines(string detail, IReadOnlyList<DatasetLineError> errors) =>
        new(HttpStatusCode.BadRequest)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { type = "about:blank", title = "Invalid request", status = 400, detail, errors }, RagLabJson.Options),
                Encoding.UTF8, "application/problem+json"),
        };

    private static HttpResponseMessage ProblemResponse(HttpStatusCode status, string? detail) =>
        new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { type = "about:blank", title = status.ToString(), status = (int)status, detail }),
                Encoding.UTF8, "application/problem+json"),
        };
}
