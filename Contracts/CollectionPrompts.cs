namespace RagLab.Contracts;

/// <summary>One worked example of the <c>prompt</c> mode: a question and the answer the model should give.</summary>
public sealed record PromptExample(string Question, string Answer);

/// <summary>
/// The body of <c>PUT /api/collections/{collection}/prompt</c>. <see cref="System"/> and <see cref="User"/> are Semantic Kernel prompt
/// templates: <c>{{$question}}</c> is the question, <c>{{$collection}}</c> the collection's name.
/// </summary>
/// <param name="System">The system message; empty or null sends none.</param>
/// <param name="Examples">Few-shot examples, sent as earlier turns of the conversation (at most 20).</param>
/// <param name="User">The user message; it must use <c>{{$question}}</c>. Null means <c>{{$question}}</c>.</param>
public sealed record CollectionPromptRequest(string? System, IReadOnlyList<PromptExample>? Examples = null, string? User = null);

/// <summary>A collection's prompt for the <c>prompt</c> mode, from <c>GET</c>, <c>PUT</c> or <c>DELETE /api/collections/{collection}/prompt</c>.</summary>
/// <param name="IsDefault">True when the collection has no prompt of its own and uses the built-in one.</param>
/// <param name="UpdatedAt">When its own prompt was last saved.</param>
/// <param name="Variables">The variables the templates may use.</param>
public sealed record CollectionPromptResponse(
    string Collection,
    string System,
    IReadOnlyList<PromptExample> Examples,
    string User,
    bool IsDefault,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<string> Variables);
