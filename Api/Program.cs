using RagLab.Api;
using RagLab.Api.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseRagLabAccess();
app.UseRequestBodyLimits();
app.MapDefaultEndpoints();
app.MapOpenApi().RequireReader();
app.MapHomeApi();
app.MapDocumentsApi();
app.MapReingestApi();
app.MapReembedApi();
app.MapJobsApi();
app.MapSearchApi();
app.MapAskApi();
app.MapCollectionPromptApi();
app.MapEvalSetsApi();
app.MapEvalRunsApi();
app.MapDatasetsApi();
app.MapFineTunesApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
