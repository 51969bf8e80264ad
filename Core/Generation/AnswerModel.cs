using Microsoft.Extensions.AI;

namespace RagLab.Core.Generation;

/// <summary>A chat model a mode answers with instead of the connected one (e.g. a collection's fine-tuned model).</summary>
/// <param name="Name">The model's name, reported with the answer and part of the answer-cache key.</param>
/// <param name="Client">A chat client bound to that model.</param>
public sealed record AnswerModel(string Name, IChatClient Client);
