using RagLab.Core.Kernel;

namespace RagLab.Api.Infrastructure;

/// <summary>Reads an upload's multipart form, turning the form reader's errors into what the user sent wrong (413 or 400, never 500).</summary>
internal static class UploadForm
{
    public static async Task<IFormCollection> ReadAsync(HttpRequest request, IngestionOptions limits, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("count limit", StringComparison.OrdinalIgnoreCase))
        {
            throw TooManyFiles(limits);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new PayloadTooLargeException($"The upload is larger than {ByteSize.Format(limits.RequestBytesLimit)} in all " +
                "(RagLab:Ingestion:MaxRequestBytes). Send the files in several requests.");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException && ex is not BadHttpRequestException)
        {
            throw new ValidationException($"The multipart/form-data body is malformed ({ex.Message}). Send files as form field 'files'.");
        }
        if (form.Files.Count > limits.MaxFilesPerRequest) throw TooManyFiles(limits);
        return form;
    }

    private static PayloadTooLargeException TooManyFiles(IngestionOptions limits) =>
        new($"The upload has more than {limits.MaxFilesPerRequest} files (RagLab:Ingestion:MaxFilesPerRequest). Send them in several requests.");
}
