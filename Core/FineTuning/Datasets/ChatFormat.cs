namespace RagLab.Core.FineTuning.Datasets;

/// <summary>
/// The chat <c>messages</c> format trainers accept (OpenAI fine-tuning, TRL's conversational datasets): an optional leading
/// <c>system</c> message, then <c>user</c> and <c>assistant</c> messages alternating, starting with <c>user</c> and ending with
/// <c>assistant</c>, none empty.
/// </summary>
public static class ChatFormat
{
    /// <returns>Null when <paramref name="messages"/> is a valid conversation, else what is wrong, in words a user can fix.</returns>
    public static string? Check(IReadOnlyList<ChatTurn> messages)
    {
        if (messages.Count == 0) return "\"messages\" is empty; give at least a user and an assistant message.";
        var expected = ChatTurn.User;
        for (var i = 0; i < messages.Count; i++)
        {
            var (role, content) = (messages[i].Role, messages[i].Content);
            if (role is not (ChatTurn.System or ChatTurn.User or ChatTurn.Assistant))
                return $"message {i + 1} has role \"{role}\"; use \"system\", \"user\" or \"assistant\".";
            if (string.IsNullOrWhiteSpace(content)) return $"message {i + 1} ({role}) has no content.";
            if (role == ChatTurn.System)
            {
                if (i != 0) return $"message {i + 1} is a system message; only the first message may be one.";
                continue;
            }
            if (role != expected)
                return $"message {i + 1} is \"{role}\" where \"{expected}\" was expected: user and assistant messages must alternate, starting with user.";
            expected = role == ChatTurn.User ? ChatTurn.Assistant : ChatTurn.User;
        }
        return messages[^1].Role == ChatTurn.Assistant ? null : "the last message must be the assistant's answer (the training target).";
    }
}
