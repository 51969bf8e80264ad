// RagLab's stack. `dotnet run --project AppHost`, then open the web UI it prints (http://localhost:5090) or the dashboard.
//
//   ollama ─┬─ chat ────────┐ (no wait: the Api answers extractively until the models are pulled)
//           └─ embeddings ──┤
//   vectordb (Qdrant) ──────┤
//   cache (Redis) ──────────┼──► api ◄── web (browser)
//   db (Postgres "raglab") ─┘    worker: the same references; takes jobs from the Redis stream
//
// Each dependency is, in this order: an existing server (ConnectionStrings:chat/:embeddings/:vectordb_http/:cache/:db in
// AppHost/appsettings.json, user secrets or environment), a container (when `docker info` answers; RagLab:Containers=true|false
// forces it), a program installed on this machine (ollama, qdrant, redis-server, Debian's Postgres), or the Api's embedded default.
// Settings: AppHost/appsettings.json (RagLab:Gpu, RagLab:ChatModel, RagLab:EmbeddingModel, RagLab:DataDirectory, RagLab:Access).
using RagLab.AppHost.Stack;

var builder = DistributedApplication.CreateBuilder(args);
var lab = LabStack.Plan(builder);

var (chat, embeddings) = lab.AddModels("ollama", chatName: "chat", embeddingsName: "embeddings");
var vectordb = lab.AddVectorDb("vectordb");
var cache = lab.AddCache("cache");
var db = lab.AddDb("db", databaseName: "raglab");
// The LoRA trainer (Trainer/): a GPU container when one can run, or a local Python with RagLab:Trainer=python; else none.
var trainer = lab.AddTrainer("trainer");

// Without Redis there is no shared job queue: the Api runs jobs itself and there is no worker.
var api = builder.AddProject<Projects.RagLab_Api>("api")
    .WithHttpHealthCheck("/health")
    .WithLabData(lab)
    .WithLabReference(chat, waitFor: false)
    .WithLabReference(embeddings, waitFor: false)
    .WithLabReference(vectordb, waitFor: true)
    .WithLabReference(cache, waitFor: true)
    .WithLabReference(db, waitFor: true)
    .WithEnvironment("RagLab__Jobs__RunInProcess", cache is null ? "true" : "false")
    .WithTrainer(trainer);

if (cache is not null)
{
    builder.AddProject<Projects.RagLab_Worker>("worker")
        .WithHttpHealthCheck("/health")
        .WithLabData(lab)
        .WithLabReference(chat, waitFor: false)
        .WithLabReference(embeddings, waitFor: false)
        .WithLabReference(vectordb, waitFor: true)
        .WithLabReference(cache, waitFor: true)
        .WithLabReference(db, waitFor: true)
        .WithEnvironment("RagLab__Jobs__RunInProcess", "true")
        .WithSettingFromAppHost("RagLab:Redis:Queue:ClaimMinIdle")
        .WithTrainer(trainer);
}

var web = builder.AddProject<Projects.RagLab_Web>("web")
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    .WithReference(api)
    .WaitFor(api)
    .WithDashboardLink()
    .AnnounceWhenReady(api);

// RagLab:Access:Mode=shared: the Api signs everyone in; the Web calls it with the secret parameter raglab-api-key.
SharedAccess.Wire(builder, api, web);

builder.Build().Run();
