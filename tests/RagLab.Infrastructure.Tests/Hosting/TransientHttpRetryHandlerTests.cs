using System.Net;
using RagLab.ServiceDefaults;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Hosting;

public class TransientHttpRetryHandlerTests
{
    private static (HttpClient Client, ScriptedHandler Inner) ClientAnswering(params HttpStatusCode[] answers)
    {
        var inner = new ScriptedHandler(answers);
        var client = new HttpClient(new TransientHttpRetryHandler(maxRetryAttempts: 2, baseDelay: TimeSpan.Zero) { InnerHandler = inner })
        {
            BaseAddress = new Uri("http://localhost:6333"),
        };
        return (client, inner);
    }

    [Fact]
    public async Task Get_is_retried_after_a_503_and_returns_the_later_success()
    {
        var (client, inner) = ClientAnswering(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using (client)
        {
            using var response = await client.GetAsync("/readyz", CancellationToken.None);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, inner.Calls);
        }
    }

    [Fact]
    public async Task Get_gives_up_after_the_configured_attempts_and_returns_the_last_answer()
    {
        var (client, inner) = ClientAnswering(HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        using (client)
        {
            using var response = await client.GetAsync("/readyz", CancellationToken.None);

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal(3, inner.Calls);
        }
    }

    [Fact]
    public async Task Post_is_never_repeated_so_a_generation_is_not_started_twice()
    {
        var (client, inner) = ClientAnswering(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using (client)
        {
            using var response = await client.PostAsync("/api/chat", new StringContent("{}"), CancellationToken.None);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(1, inner.Calls);
        }
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var (client, inner) = ClientAnswering(HttpStatusCode.NotFound, HttpStatusCode.OK);
        using (client)
        {
            using var response = await client.GetAsync("/collections/missing", CancellationToken.None);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(1, inner.Calls);
        }
    }

    private sealed class ScriptedHandler(HttpStatusCode[] answers) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var status = answers[Math.Min(Calls, answers.Length - 1)];
            Calls++;
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }
}
