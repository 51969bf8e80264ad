using RagLab.Web;
using RagLab.Web.Components;
using RagLab.Web.Downloads;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapReportDownloads();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
