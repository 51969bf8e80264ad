namespace RagLab.Testing;

/// <summary>A test class that gets a fresh <see cref="FakeOllamaServer"/> and an HttpClient pointed at it for each test.</summary>
public abstract class FakeOllamaTest : Xunit.IAsyncLifetime
{
    protected FakeOllamaServer Server { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await FakeOllamaServer.StartAsync();
        Http = new HttpClient { BaseAddress = Server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
