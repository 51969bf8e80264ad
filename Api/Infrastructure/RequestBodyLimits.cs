using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RagLab.Core.Kernel;

namespace RagLab.Api.Infrastructure;

/// <summary>
/// Every request body is limited before it is read: uploads (multipart) to <see cref="IngestionOptions.RequestBytesLimit"/>,
/// JSON uploads to <see cref="IngestionOptions.JsonUploadBytesLimit"/>, any other body to <see cref="QueryLimits.MaxJsonBodyBytes"/>.
/// A declared length over the limit gets 413 at once, nothing read; an undeclared one (chunked) is cut off at the limit.
/// </summary>
internal sealed class RequestBodyLimits(RequestDelegate next, IOptions<IngestionOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsPatch(request.Method))
        {
            await next(context);
            return;
        }
        var (limit, what) = LimitFor(request);
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, $"The request body is {ByteSize.Format(request.ContentLength.Value)}; {what} may be at most {ByteSize.Format(limit)}.");
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        request.Body = new LimitedRequestBody(request.Body, limit, what);
        await next(context);
    }

    private (long Limit, string What) LimitFor(HttpRequest request)
    {
        var ingestion = options.Value;
        if (request.HasFormContentType)
            return (ingestion.RequestBytesLimit, "an upload (all files together, RagLab:Ingestion:MaxRequestBytes)");
        if (request.Path.StartsWithSegments("/api/documents"))
            return (ingestion.JsonUploadBytesLimit, "a JSON upload (twice RagLab:Ingestion:MaxUploadBytes)");
        return (QueryLimits.MaxJsonBodyBytes, "a request that is not an upload");
    }

    private static async Task WriteTooLargeAsync(HttpContext context, string detail)
    {
        // Nothing of the body is read: the connection is closed after the answer rather than drained.
        context.Response.Headers.Connection = "close";
        await Results.Problem(detail: detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large").ExecuteAsync(context);
    }

    /// <summary>A body that throws 413 once more than its limit has been read (for bodies without a declared length).</summary>
    private sealed class LimitedRequestBody(Stream inner, long limit, string what) : Stream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
                throw new BadHttpRequestException($"The request body is larger than {ByteSize.Format(limit)}, the most {what} may be.",
                    StatusCodes.Status413PayloadTooLarge);
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
