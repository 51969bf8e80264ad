using Microsoft.Playwright;

namespace RagLab.Web.Tests.Browser;

/// <summary>Chooses files in a Blazor <c>InputFile</c> the way a person does: only once the component can take them.</summary>
internal static class BlazorInputFile
{
    /// <summary>
    /// Waits until InputFile's JavaScript has set the element up (it then numbers the files it hands over), then sets the files.
    /// Files set before that raise a "change" nobody listens to, and are never uploaded.
    /// </summary>
    public static async Task ChooseAsync(ILocator input, params FilePayload[] files)
    {
        await input.Page.WaitForFunctionAsync("e => e._blazorInputFileNextFileId !== undefined", await input.ElementHandleAsync());
        await input.SetInputFilesAsync(files);
    }
}
