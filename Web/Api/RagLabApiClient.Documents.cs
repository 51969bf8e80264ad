using System.Net.Http.Headers;
using RagLab.Contracts;
using RagLab.Web.Api;

namespace RagLab.Web;

public sealed partial class RagLabApiClient
{
    public async Task<IReadOnlyList<DocumentResponse>> GetDocumentsAsync(string? collection, CancellationToken cancellationToken) =>
        await GetAsync<List<DocumentResponse>>("/api/documents" + (string.IsNullOrEmpty(collection) ? "" : "?collection=" + Uri.EscapeDataString(collection)), cancellationToken);

    public Task<DocumentResponse> GetDocumentAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<DocumentResponse>($"/api/documents/{Uri.EscapeDataString(id)}", cancellationToken);

    public async Task<IReadOnlyList<DocumentChunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken) =>
        await GetAsync<List<DocumentChunk>>($"/api/documents/{Uri.EscapeDataString(documentId)}/chunks", cancellationToken);

    public Task DeleteDocumentAsync(string id, CancellationToken cancellationToken) =>
        DeleteAsync($"/api/documents/{Uri.EscapeDataString(id)}", cancellationToken);

    /// <summary>Indexes a document again from the upload the Api stored (<c>POST /api/documents/{id}/reingest</c>).</summary>
    public Task<UploadResponse> ReingestDocumentAsync(string id, CancellationToken cancellationToken) =>
        PostJsonAsync<UploadResponse>($"/api/documents/{Uri.EscapeDataString(id)}/reingest", new { }, cancellationToken);

    /// <summary>
    /// <c>POST /api/collections/{name}/reembed</c>: every vector of the collection made again with the configured embedding model,
    /// as a job (the one already running when there is one); follow it at <see cref="GetJobAsync"/>.
    /// </summary>
    public Task<JobAccepted> StartReembedAsync(string collection, CancellationToken cancellationToken) =>
        PostAsync<JobAccepted>($"/api/collections/{Uri.EscapeDataString(collection)}/reembed", cancellationToken);

    /// <summary>
    /// Uploads one file as multipart <c>files</c> and reports the bytes sent. A file the Api refuses comes back as a
    /// <see cref="UploadedDocument"/> with <see cref="UploadedDocument.Error"/> set, not as an exception, so a page can list
    /// it beside the others.
    /// </summary>
    public async Task<UploadedDocument> UploadFileAsync(string? collection, string name, Stream content, long? length,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(() =>
            {
                var form = new MultipartFormDataContent();
                var file = new ProgressStreamContent(content, length, progress);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "files", name);
                if (!string.IsNullOrEmpty(collection)) form.Add(new StringContent(collection), "collection");
                return new HttpRequestMessage(HttpMethod.Post, "/api/documents") { Content = form };
            }, cancellationToken);
            var upload = await ReadAsync<UploadResponse>(response, cancellationToken);
            return upload.Documents.FirstOrDefault() ?? new UploadedDocument(null, name, DocumentStatus.Failed, null, collection, "The Api accepted the upload but listed no document.");
        }
        catch (ApiException ex) when (ex.Status is not null)
        {
            return new UploadedDocument(null, name, DocumentStatus.Failed, null, collection, ex.Message);
        }
    }
}
