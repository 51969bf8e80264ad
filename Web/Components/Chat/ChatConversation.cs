using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using RagLab.Contracts;
using RagLab.Web.Api;

namespace RagLab.Web.Components.Chat;

/// <summary>
/// The conversation of one browser tab. It lives as long as the circuit (so answers keep streaming while the user is on
/// another page) and is saved to the tab's session storage after each answer, so a reload or a new circuit gets it back.
/// </summary>
public sealed class ChatConversation(RagLabApiClient api, ProtectedSessionStorage storage, ILogger<ChatConversation> logger) : IDisposable
{
    private const string StorageKey = "raglab.chat.v1";
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(60);
    private bool _restored;

    public List<ChatTurn> Turns { get; } = [];

    /// <summary>Raised when anything on the page should re-render; may be raised from any thread.</summary>
    public event Action? Changed;

    public bool IsRunning => Turns.Any(t => t.IsRunning);

    /// <summary>Reads the tab's saved conversation once; needs the circuit's JavaScript (after the first render).</summary>
    public async Task RestoreAsync()
    {
        if (_restored) return;
        _restored = true;
        try
        {
            var saved = await storage.GetAsync<string>(StorageKey);
            if (!saved.Success || saved.Value is null || Turns.Count > 0) return;
            var turns = JsonSerializer.Deserialize<List<ChatTurn>>(saved.Value, RagLabJson.Options) ?? [];
            // An answer that was streaming when the tab went away cannot resume: say so instead of spinning for ever.
            foreach (var answer in turns.SelectMany(t => t.Answers).Where(a => a.IsRunning))
            {
                answer.State = AnswerState.Cancelled;
                answer.Error = "Interrupted: the page was reloaded while this answer streamed.";
            }
            Turns.AddRange(turns);
            Changed?.Invoke();
        }
        catch (Exception ex) when (ex is JsonException or System.Security.Cryptography.CryptographicException or InvalidOperationException or Microsoft.JSInterop.JSException or Microsoft.JSInterop.JSDisconnectedException)
        {
            // Saved by an older page or under keys this process does not have: start afresh rather than fail the page.
            logger.LogInformation(ex, "The tab's saved conversation could not be read; starting a new one.");
        }
    }

    /// <summary>Asks <paramref name="question"/> in every mode at once; the answers stream into a new turn.</summary>
    public ChatTurn Ask(string question, IReadOnlyList<string> modes, AskSettings settings)
    {
        var turn = new ChatTurn
        {
            Question = question,
            Settings = settings,
            AskedAt = DateTimeOffset.UtcNow,
            Answers = [.. modes.Select(mode => new ModeAnswer { Mode = mode, Cancellation = new CancellationTokenSource() })],
        };
        Turns.Add(turn);
        Changed?.Invoke();
        foreach (var answer in turn.Answers) _ = StreamAsync(turn, answer);
        return turn;
    }

    public void Cancel(ModeAnswer answer)
    {
        if (answer.IsRunning) answer.Cancellation?.Cancel();
    }

    public void CancelAll()
    {
        foreach (var answer in Turns.SelectMany(t => t.Answers)) Cancel(answer);
    }

    /// <summary>Starts a new chat: stops what is streaming and forgets the turns, here and in the tab's storage.</summary>
    public async Task ClearAsync()
    {
        CancelAll();
        Turns.Clear();
        Changed?.Invoke();
        await SaveAsync();
    }

    private async Task StreamAsync(ChatTurn turn, ModeAnswer answer)
    {
        var token = answer.Cancellation!.Token;
        var clock = Stopwatch.StartNew();
        // Re-render at a steady pace, not once per token.
        var pacer = new RenderPacer(RenderInterval, () => Changed?.Invoke());
        var request = new AskRequest(turn.Question, answer.Mode, Retriever: turn.Settings.Retriever, Collection: turn.Settings.Collection);
        try
        {
            await foreach (var update in api.AskStreamAsync(request, turn.Settings.NoCache, token))
            {
                switch (update)
                {
                    case AskTokenEvent tokenEvent:
                        answer.FirstTokenMs ??= clock.Elapsed.TotalMilliseconds;
                        answer.State = AnswerState.Streaming;
                        answer.Text += tokenEvent.Text;
                        break;
                    case AskDoneEvent done:
                        answer.Response = done.Response;
                        answer.Text = done.Response.Answer;
                        answer.State = AnswerState.Done;
                        break;
                    case AskErrorEvent error:
                        answer.Error = error.Detail;
                        answer.ReembedNeeded = error.Status == (int)System.Net.HttpStatusCode.Conflict;
                        answer.State = AnswerState.Failed;
                        break;
                }
                if (answer.State == AnswerState.Streaming) pacer.Request();
                else Changed?.Invoke();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            answer.State = AnswerState.Cancelled;
        }
        catch (ApiException ex)
        {
            answer.Error = ex.Message;
            answer.ReembedNeeded = ex.IsReembedNeeded;
            answer.State = AnswerState.Failed;
        }
        catch (Exception ex)
        {
            // Anything else must not kill the circuit: show it on the answer and keep the page alive.
            logger.LogError(ex, "Streaming the {Mode} answer failed", answer.Mode);
            answer.Error = "This answer failed unexpectedly; see the Web's log.";
            answer.State = AnswerState.Failed;
        }
        finally
        {
            if (answer.IsRunning) answer.State = AnswerState.Cancelled;
            answer.Cancellation?.Dispose();
            answer.Cancellation = null;
        }
        Changed?.Invoke();
        if (!turn.IsRunning) await SaveAsync();
    }

    private async Task SaveAsync()
    {
        try
        {
            await storage.SetAsync(StorageKey, JsonSerializer.Serialize(Turns, RagLabJson.Options));
        }
        catch (Exception ex) when (ex is InvalidOperationException or Microsoft.JSInterop.JSException or Microsoft.JSInterop.JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // The tab is gone or not connected: the conversation stays in this circuit only.
            logger.LogDebug(ex, "The conversation could not be saved to the tab's storage.");
        }
    }

    public void Dispose() => CancelAll();
}
