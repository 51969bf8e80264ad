using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.Caching;
using RagLab.Core.Kernel;

namespace RagLab.Api.Tests;

/// <summary>The in-process caches are bounded by RagLab:Cache, and a nonsense bound is refused by name.</summary>
public sealed class CacheCapacityTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void The_embedded_caches_hold_at_most_what_the_settings_allow()
    {
        using var factory = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?>
        {
            ["RagLab:Cache:MaxAnswers"] = "123",
            ["RagLab:Cache:MaxEmbeddings"] = "45",
        });

        var answers = Assert.IsType<MemoryAnswerCache>(factory.Services.GetRequiredService<IAnswerCache>());
        var embeddings = Assert.IsType<MemoryEmbeddingCache>(factory.Services.GetRequiredService<IEmbeddingCache>());
        Assert.Equal(123, answers.Capacity);
        Assert.Equal(45, embeddings.Capacity);
    }

    [Fact]
    public void A_bound_below_one_is_refused_naming_the_setting()
    {
        using var factory = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?> { ["RagLab:Cache:MaxAnswers"] = "0" });

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("RagLab:Cache:MaxAnswers is 0; it must be at least 1", error.ToString());
    }
}
