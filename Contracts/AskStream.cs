namespace RagLab.Contracts;

/// <summary>
/// What <c>POST /api/ask/stream</c> sends as Server-Sent Events: <c>token</c> events (<see cref="AskTokenEvent"/>), then one
/// <c>done</c> event whose data is the whole <see cref="AskResponse"/>, or an <c>error</c> event (<see cref="AskErrorEvent"/>).
/// </summary>
public abstract record AskStreamEvent
{
    public const string TokenName = "token";
    public const string DoneName = "done";
    public const string ErrorName = "error";
}

/// <summary>Text of the answer as it is generated.</summary>
public sealed record AskTokenEvent(string Text) : AskStreamEvent;

/// <summary>The finished answer (on the wire, the <c>done</c> event's data is the <see cref="AskResponse"/> itself).</summary>
public sealed record AskDoneEvent(AskResponse Response) : AskStreamEvent;

/// <summary>A failure after the stream started, with the status and title a problem response would have had.</summary>
public sealed record AskErrorEvent(int Status, string Title, string Detail) : AskStreamEvent;
