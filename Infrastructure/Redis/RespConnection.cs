using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>
/// One TCP (or TLS) connection to Redis with pipelining: commands are written back-to-back under a write lock and a
/// single reader loop hands replies to the waiting callers in FIFO order, which is the order Redis answers in.
/// Once any read or write fails the connection is <see cref="IsBroken"/> and every waiting caller gets a
/// <see cref="RedisConnectionException"/>; the owner replaces it.
/// </summary>
public sealed class RespConnection : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly Stream stream;
    private readonly RespReader reader;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly ConcurrentQueue<TaskCompletionSource<RedisValue>> awaitingReply = new();
    private readonly CancellationTokenSource lifetime = new();
    private readonly string endPoint;
    private Task readLoop = Task.CompletedTask;
    private Exception? failure;
    private int pending;

    private RespConnection(Socket socket, Stream stream, string endPoint)
    {
        this.socket = socket;
        this.stream = stream;
        this.endPoint = endPoint;
        reader = new RespReader(stream);
    }

    /// <summary>True once the connection has failed or been closed; it never recovers.</summary>
    public bool IsBroken => Volatile.Read(ref failure) is not null;

    /// <summary>Commands sent and not yet answered.</summary>
    public int Pending => Volatile.Read(ref pending);

    /// <summary>Opens the socket, negotiates TLS if asked, then sends AUTH, CLIENT SETNAME and SELECT as configured.</summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached within the connect timeout, or TLS fails.</exception>
    /// <exception cref="RedisServerException">The handshake was refused, e.g. <c>WRONGPASS</c>.</exception>
    public static async Task<RespConnection> ConnectAsync(RedisConnectionOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        string? presentedThumbprint = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.SslHost ?? options.Host,
                    RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    {
                        // Remembered so a refusal can tell the user which certificate to trust or pin.
                        presentedThumbprint = certificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
                        return options.CertificateValidation?.Invoke(sender, certificate, chain, errors) ?? errors == SslPolicyErrors.None;
                    },
                }, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or System.Security.Authentication.AuthenticationException
                                              || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (stream is not null) await stream.DisposeAsync();
            socket.Dispose();
            var reason = exception switch
            {
                OperationCanceledException => $"no connection within {options.ConnectTimeout.TotalSeconds:0.#} s",
                System.Security.Authentication.AuthenticationException when presentedThumbprint is not null =>
                    $"its TLS certificate (SHA-256 {presentedThumbprint}) is not trusted ({exception.Message}). Trust it on this machine, " +
                    $"or pin it with RagLab:Redis:CertificateThumbprint={presentedThumbprint}",
                _ => exception.Message,
            };
            throw new RedisConnectionException($"Redis at {options.EndPoint} is unreachable: {reason}", exception, commandSent: false);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }

        var connection = new RespConnection(socket, stream, options.EndPoint);
        connection.readLoop = connection.ReadLoopAsync();
        try
        {
            if (options.Password is not null)
            {
                object[] auth = options.User is null ? [options.Password] : [options.User, options.Password];
                await connection.SendAsync("AUTH", auth).WaitAsync(options.ConnectTimeout, timeout.Token);
            }
            if (options.ClientName is not null)
                await connection.SendAsync("CLIENT", ["SETNAME", options.ClientName]).WaitAsync(options.ConnectTimeout, timeout.Token);
            if (options.DefaultDatabase != 0)
                await connection.SendAsync("SELECT", [options.DefaultDatabase]).WaitAsync(options.ConnectTimeout, timeout.Token);
            return connection;
        }
        catch (Exception exception)
        {
            await connection.DisposeAsync();
            if (exception is TimeoutException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                throw new RedisConnectionException($"Redis at {options.EndPoint} accepted the connection but did not answer the handshake within {options.ConnectTimeout.TotalSeconds:0.#} s.", exception, commandSent: false);
            throw;
        }
    }

    /// <summary>
    /// Queues a command and returns its reply. The write itself is not cancellable (a half-written command would
    /// corrupt the stream); callers bound the wait with <c>WaitAsync</c>.
    /// </summary>
    /// <exception cref="RedisServerException">Redis answered with an error.</exception>
    /// <exception cref="RedisConnectionException">The connection broke before the reply arrived.</exception>
    public async Task<RedisValue> SendAsync(string command, IReadOnlyList<object> args)
    {
        var frame = RespWriter.EncodeCommand(command, args);
        var reply = new TaskCompletionSource<RedisValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (failure is { } broken) throw NotSent(broken);
        try
        {
            await writeLock.WaitAsync(lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception)
        {
            throw NotSent(failure ?? exception);
        }
        try
        {
            if (failure is { } existing) throw NotSent(existing);
            Interlocked.Increment(ref pending);
            awaitingReply.Enqueue(reply);
            // Fail() sets failure before draining; re-checking after enqueueing guarantees nobody waits forever.
            if (IsBroken) FailAwaitingReplies();
            await stream.WriteAsync(frame, lifetime.Token).ConfigureAwait(false);
            await stream.FlushAsync(lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Fail(exception);
        }
        finally
        {
            writeLock.Release();
        }
        return await reply.Task.ConfigureAwait(false);
    }

    /// <summary>Closes the socket; commands still waiting fail with <see cref="RedisConnectionException"/>.</summary>
    public void Abort(string reason) => Fail(new IOException(reason));

    public async ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(RespConnection), "The connection was closed."));
        try { await readLoop.ConfigureAwait(false); } catch { /* the loop reports through Fail */ }
    }

    private RedisConnectionException NotSent(Exception cause) =>
        new($"The connection to Redis at {endPoint} is broken: {cause.Message}", cause, commandSent: false);

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                var value = await reader.ReadAsync(lifetime.Token).ConfigureAwait(false);
                if (!awaitingReply.TryDequeue(out var reply))
                    throw new RedisProtocolException("Redis sent a reply nobody asked for.");
                Interlocked.Decrement(ref pending);
                if (value.Kind == RedisValueKind.Error) reply.TrySetException(new RedisServerException(value.AsString()!));
                else reply.TrySetResult(value);
            }
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
    }

    private void Fail(Exception exception)
    {
        if (Interlocked.CompareExchange(ref failure, exception, null) is null)
        {
            lifetime.Cancel();
            try { stream.Dispose(); } catch { /* already broken */ }
            socket.Dispose();
        }
        FailAwaitingReplies();
    }

    private void FailAwaitingReplies()
    {
        var cause = failure!;
        while (awaitingReply.TryDequeue(out var reply))
        {
            Interlocked.Decrement(ref pending);
            var message = cause is EndOfStreamException or IOException or SocketException
                ? $"The connection to Redis at {endPoint} was lost: {cause.Message}"
                : $"The connection to Redis at {endPoint} failed: {cause.Message}";
            reply.TrySetException(new RedisConnectionException(message, cause));
        }
    }
}
