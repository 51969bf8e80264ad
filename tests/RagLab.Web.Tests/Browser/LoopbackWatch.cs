using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace RagLab.Web.Tests.Browser;

/// <summary>
/// Every URL the browser asked for and every request this process's HttpClients sent (the Web to the Api, the Api to the
/// model server), so a test can check that nothing left the loopback.
/// </summary>
public sealed class LoopbackWatch : IDisposable
{
    private readonly ConcurrentQueue<string> _urls = new();
    private readonly ActivityListener _listener;

    public LoopbackWatch()
    {
        // HttpClient starts a "System.Net.Http.HttpRequestOut" activity per request once someone listens to its source.
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (activity.GetTagItem("url.full") is string url) _urls.Enqueue("server: " + url);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Record(string who, string url) => _urls.Enqueue($"{who}: {url}");

    public IReadOnlyList<string> All => [.. _urls];

    /// <summary>The recorded requests whose host is not a loopback address or name (data: and blob: URLs never leave).</summary>
    public IReadOnlyList<string> LeftTheMachine() => [.. _urls.Where(entry => !StaysLocal(entry[(entry.IndexOf(": ", StringComparison.Ordinal) + 2)..]))];

    private static bool StaysLocal(string url)
    {
        if (url.StartsWith("data:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal) || url == "about:blank") return true;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    public void Dispose() => _listener.Dispose();
}
