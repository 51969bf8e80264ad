using RagLab.Infrastructure;

// The Worker runs background jobs (ingestion now; evaluation and fine-tuning later) for an Api that only enqueues them.
// Under Aspire the queue is Redis Streams and the indexes are Qdrant; on the embedded default the Api runs the same jobs itself.
// The tests build this host the same way (tests/RagLab.Api.Tests/AspireWorkerHost.cs): keep the two in step.
var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddRagLab();

builder.Build().Run();
