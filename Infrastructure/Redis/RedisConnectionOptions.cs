using System.Globalization;
using System.Net.Security;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>
/// Where and how to reach Redis. <see cref="Parse"/> reads StackExchange.Redis-style strings such as Aspire's
/// <c>localhost:6379,password=secret,ssl=true</c>.
/// </summary>
public sealed record RedisConnectionOptions
{
    public const int DefaultPort = 6379;

    public string Host { get; init; } = "localhost";
    public int Port { get; init; } = DefaultPort;
    public string? User { get; init; }
    public string? Password { get; init; }
    public bool Ssl { get; init; }

    /// <summary>The TLS server name to validate; defaults to <see cref="Host"/>.</summary>
    public string? SslHost { get; init; }

    /// <summary>
    /// Custom TLS certificate validation, e.g. to accept a self-signed development certificate.
    /// Null means the operating system's normal validation.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>Parsed for compatibility; RagLab always connects lazily and never aborts at startup.</summary>
    public bool AbortConnect { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a non-blocking command may wait for its reply before the connection is considered dead.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int DefaultDatabase { get; init; }

    /// <summary>Sent with <c>CLIENT SETNAME</c> so connections are recognisable in <c>CLIENT LIST</c>; null to skip.</summary>
    public string? ClientName { get; init; } = "raglab";

    /// <summary>Most connections the <see cref="RedisClient"/> pool opens.</summary>
    public int MaxConnections { get; init; } = 4;

    /// <summary>
    /// After Redis becomes unreachable, callers keep retrying the connection for this long (a restart is survived
    /// without errors); once it has been down longer, calls fail fast and reconnection is only attempted with backoff.
    /// </summary>
    public TimeSpan ReconnectWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>host:port</c>, for messages.</summary>
    public string EndPoint => $"{Host}:{Port}";

    /// <summary>
    /// Parses <c>host:port[,host2:port2][,password=…][,user=…][,ssl=true|false][,abortConnect=…][,connectTimeout=ms]
    /// [,syncTimeout=ms][,defaultDatabase=n][,name=…]</c>. The first endpoint is used; unknown keys are ignored.
    /// </summary>
    /// <exception cref="ValidationException">The string is empty or a part is malformed; the message names the part.</exception>
    public static RedisConnectionOptions Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ValidationException("The Redis connection string is empty: expected 'host:port[,password=…][,ssl=true]'.");

        var options = new RedisConnectionOptions();
        var endpointSeen = false;
        foreach (var rawPart in connectionString.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0) continue;

            var equals = part.IndexOf('=');
            if (equals < 0)
            {
                // Endpoints have no '='; only the first is used (RagLab talks to a single primary).
                var (host, port) = ParseEndPoint(part, connectionString);
                if (!endpointSeen) options = options with { Host = host, Port = port };
                endpointSeen = true;
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Length == 0) throw Malformed(part, connectionString, "a key is missing before '='");

            options = key.ToLowerInvariant() switch
            {
                "password" => options with { Password = value.Length == 0 ? null : value },
                "user" => options with { User = value.Length == 0 ? null : value },
                "ssl" => options with { Ssl = ParseBool(part, value, connectionString) },
                "sslhost" => options with { SslHost = value.Length == 0 ? null : value },
                "abortconnect" => options with { AbortConnect = ParseBool(part, value, connectionString) },
                "connecttimeout" => options with { ConnectTimeout = ParseMilliseconds(part, value, connectionString) },
                "synctimeout" or "asynctimeout" => options with { CommandTimeout = ParseMilliseconds(part, value, connectionString) },
                "defaultdatabase" => options with { DefaultDatabase = ParseInt(part, value, connectionString, min: 0) },
                "name" => options with { ClientName = value.Length == 0 ? null : value },
                _ => options, // unknown keys (allowAdmin, keepAlive, …) do not matter to RagLab
            };
        }

        if (!endpointSeen)
            throw new ValidationException($"The Redis connection string '{Redact(connectionString)}' has no 'host:port' endpoint.");
        return options;
    }

    private static (string Host, int Port) ParseEndPoint(string part, string whole)
    {
        // [::1]:6379, host:6379, host
        string host;
        string? portText = null;
        if (part.StartsWith('['))
        {
            var close = part.IndexOf(']');
            if (close < 0) throw Malformed(part, whole, "the IPv6 address has no closing ']'");
            host = part[1..close];
            var rest = part[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw Malformed(part, whole, "expected ':' after ']'");
                portText = rest[1..];
            }
        }
        else
        {
            var colon = part.LastIndexOf(':');
            if (colon >= 0 && part.IndexOf(':') != colon)
                throw Malformed(part, whole, "write IPv6 addresses as [address]:port");
            host = colon < 0 ? part : part[..colon];
            portText = colon < 0 ? null : part[(colon + 1)..];
        }

        if (host.Length == 0) throw Malformed(part, whole, "the host is empty");
        if (host.Any(char.IsWhiteSpace)) throw Malformed(part, whole, "the host contains spaces");
        if (portText is null) return (host, DefaultPort);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Malformed(part, whole, "the port must be a number from 1 to 65535");
        return (host, port);
    }

    private static bool ParseBool(string part, string value, string whole) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Malformed(part, whole, "expected true or false"),
    };

    private static int ParseInt(string part, string value, string whole, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min
            ? number
            : throw Malformed(part, whole, $"expected a whole number of at least {min}");

    private static TimeSpan ParseMilliseconds(string part, string value, string whole) =>
        TimeSpan.FromMilliseconds(ParseInt(part, value, whole, min: 1));

    private static ValidationException Malformed(string part, string whole, string reason) =>
        new($"The Redis connection string '{Redact(whole)}' is malformed at '{Redact(part)}': {reason}.");

    /// <summary>Hides the password in anything shown to users or logs.</summary>
    internal static string Redact(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "(?i)(password\\s*=)[^,]*", "$1***");

    /// <summary>The endpoint and flags, never the password.</summary>
    public override string ToString() => $"{EndPoint}{(Ssl ? ",ssl=true" : "")}{(DefaultDatabase != 0 ? $",defaultDatabase={DefaultDatabase}" : "")}";
}
