using System.Text.Json.Serialization;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>The file formats the usual trainers read.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetExportFormat>))]
public enum DatasetExportFormat
{
    /// <summary>OpenAI chat JSONL: <c>{"messages": [{"role", "content"}]}</c> (OpenAI fine-tuning, TRL, Axolotl).</summary>
    OpenAi,

    /// <summary>ShareGPT JSONL: <c>{"conversations": [{"from": "system|human|gpt", "value"}]}</c> (LLaMA-Factory, Unsloth).</summary>
    ShareGpt,

    /// <summary>Alpaca JSONL: <c>{"instruction", "input", "output", "system"?, "history"?}</c> (LLaMA-Factory, Unsloth).</summary>
    Alpaca,
}
