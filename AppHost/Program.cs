// RagLab's local stack: one Ollama serving two models, Qdrant for vectors, Redis for the answer cache,
// and the three RagLab services wired to them (Aspire 13.1, CommunityToolkit.Aspire.Hosting.Ollama 13.x).
//
//   ollama ─┬─ chat ─────────┐
//           └─ embeddings ───┤
//   vectordb (Qdrant) ───────┼──► api ◄── web (browser)
//   cache (Redis) ───────────┘    worker (same four references)
//
// Change models, GPU or the shared data directory in appsettings.json, with `dotnet user-secrets set RagLab:ChatModel llama3.2:1b`,
// or with environment variables such as RagLab__ChatModel.

var builder = DistributedApplication.CreateBuilder(args);

var chatModel = builder.Configuration["RagLab:ChatModel"] is { Length: > 0 } chatName ? chatName : "qwen2.5:1.5b";
var embeddingModel = builder.Configuration["RagLab:EmbeddingModel"] is { Length: > 0 } embeddingName ? embeddingName : "all-minilm";
var gpu = builder.Configuration["RagLab:Gpu"] is { Length: > 0 } gpuName ? gpuName.Trim().ToLowerInvariant() : "nvidia";

// The Api and the Worker share one SQLite database and upload store (documents, chunks, jobs), so both must get the
// same absolute RagLab__DataDirectory: a relative default would resolve against each project's own folder.
var dataDirectory = Path.GetFullPath(builder.Configuration["RagLab:DataDirectory"] is { Length: > 0 } configured
    ? configured
    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "RagLab", "aspire"));

// Model server. Models live in a volume, so they are pulled once, not on every run.
var ollama = builder.AddOllama("ollama", port: null)
    .WithDataVolume();

ollama = gpu switch
{
    "nvidia" => ollama.WithGPUSupport(OllamaGpuVendor.Nvidia), // needs the NVIDIA Container Toolkit
    "amd" => ollama.WithGPUSupport(OllamaGpuVendor.AMD),       // uses the -rocm image
    "none" => ollama,                                          // CPU: works everywhere, slower
    _ => throw new InvalidOperationException(
        $"RagLab:Gpu is '{gpu}'. Use nvidia, amd or none (set it in AppHost/appsettings.json or as RagLab__Gpu)."),
};

// The dashboard shows each pull's progress as the model resource's state; WaitFor(model) waits for the pull.
var chat = ollama.AddModel("chat", chatModel);
var embeddings = ollama.AddModel("embeddings", embeddingModel);

// Vectors. Projects get ConnectionStrings:vectordb (gRPC) and ConnectionStrings:vectordb_http (REST, used by RagLab).
var vectordb = builder.AddQdrant("vectordb", apiKey: null, grpcPort: null, httpPort: null)
    .WithDataVolume();

// Answer cache. Aspire 13.1 turns on TLS when the dev certificate is trusted; RagLab keeps plain TCP on the loopback,
// so ConnectionStrings:cache is always host:port,password=... without ssl=true.
#pragma warning disable ASPIRECERTIFICATES001 // experimental in Aspire 13.1
var cache = builder.AddRedis("cache", port: null, password: null)
    .WithDataVolume()
    .WithPersistence()
    .WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

// Fine-tuning trainer (later issue): a Python container added here with
//   builder.AddDockerfile("trainer", "../Trainer").WithHttpEndpoint(targetPort: 8000, name: "http")
// and handed to api/worker with .WithEnvironment("TRAINER_URL", trainer.GetEndpoint("http")).

// HTTP API. Background jobs run in the worker below, not inside the API process.
var api = builder.AddProject<Projects.RagLab_Api>("api")
    .WithReference(chat)
    .WithReference(embeddings)
    .WithReference(vectordb)
    .WithReference(cache)
    .WithEnvironment("RagLab__DataDirectory", dataDirectory)
    .WithEnvironment("RagLab__Jobs__RunInProcess", "false")
    .WaitFor(chat)
    .WaitFor(embeddings)
    .WaitFor(vectordb)
    .WaitFor(cache);

// Ingestion, evaluation and fine-tuning jobs.
builder.AddProject<Projects.RagLab_Worker>("worker")
    .WithEnvironment("RagLab__DataDirectory", dataDirectory)
    .WithEnvironment("RagLab__Jobs__RunInProcess", "true")
    .WithReference(chat)
    .WithReference(embeddings)
    .WithReference(vectordb)
    .WithReference(cache)
    .WaitFor(chat)
    .WaitFor(embeddings)
    .WaitFor(vectordb)
    .WaitFor(cache);

// The lab's UI; finds the API as https+http://api through services:api:*.
builder.AddProject<Projects.RagLab_Web>("web")
    .WithExternalHttpEndpoints()
    .WithReference(api)
    .WaitFor(api);

builder.Build().Run();
