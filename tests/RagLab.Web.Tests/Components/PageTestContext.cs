using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Web.Components.Chat;

namespace RagLab.Web.Tests.Components;

/// <summary>A bunit context whose pages talk to a <see cref="ScriptedApi"/> through the Web's real typed client.</summary>
public abstract class PageTestContext : BunitContext
{
    protected ScriptedApi Api { get; } = new();

    // bunit waits 1 s by default; CI runs every test assembly at once on 2 cores, where a render can take longer.
    static PageTestContext() => DefaultWaitTimeout = TimeSpan.FromSeconds(15);

    protected PageTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new RagLabApiClient(new HttpClient(Api) { BaseAddress = new Uri("http://api.test") }));
        Services.AddSingleton(Options.Create(new WebOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            StatusInterval = TimeSpan.FromMinutes(5),
            DashboardUrl = null,
        }));
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddScoped<ProtectedSessionStorage>();
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        Services.AddScoped<ChatConversation>();
    }

    /// <summary>What a user reads: the rendered text, whitespace collapsed.</summary>
    protected static string TextOf(AngleSharp.Dom.IElement element) =>
        string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
