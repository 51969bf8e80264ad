global using RagLab.Core;
using RagLab.Core.Jobs;

// The Worker runs background jobs (ingestion now; evaluation and fine-tuning later) for an Api that only enqueues them.
// Under Aspire the queue is Redis Streams and the indexes are Qdrant; on the embedded default the Api runs the same jobs itself.
// The tests build this host the same way (tests/RagLab.Api.Tests/AspireWorkerHost.cs): keep the two in step.
var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddRagLab();
if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("vectordb_http")))
    builder.Services.AddHostedService(sp => new SeparateIndexesWarning(SeparateIndexesWarning.WorkerMessage, sp.GetRequiredService<ILogger<SeparateIndexesWarning>>()));

builder.Build().Run();
