using Microsoft.Playwright;

namespace RagLab.Web.Tests.Browser;

/// <summary>Saves a page's screenshot into the repository's docs/images, where the README shows it.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepositoryRoot(), "docs", "images");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, $"web-{name}.png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RagLab.sln"))) return directory.FullName;
        throw new DirectoryNotFoundException($"No RagLab.sln above {AppContext.BaseDirectory}: the screenshots go to its docs/images.");
    }
}
