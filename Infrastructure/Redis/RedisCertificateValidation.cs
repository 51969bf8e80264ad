using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RagLab.Infrastructure.Redis;

/// <summary>
/// How RagLab validates a Redis server's TLS certificate (<c>ssl=true</c> in <c>ConnectionStrings:cache</c>), in this order:
/// <list type="number">
/// <item>the operating system's normal validation (a publicly trusted or locally trusted certificate);</item>
/// <item>a pinned certificate, <c>RagLab:Redis:CertificateThumbprint</c> (SHA-1 or SHA-256, hex): that exact certificate is
/// accepted whatever its chain and name, e.g. a self-signed one;</item>
/// <item>for a loopback host only, a certificate that chains to this user's ASP.NET Core development certificate (the one
/// Aspire 13.1 gives its Redis container when TLS is on), even where the OS does not trust it (Linux without
/// <c>SSL_CERT_DIR</c> set up). The host name must still match.</item>
/// </list>
/// Anything else is refused, so a connection string with <c>ssl=true</c> never silently accepts an unknown certificate.
/// </summary>
public static class RedisCertificateValidation
{
    /// <summary>The extension that marks the certificate <c>dotnet dev-certs https</c> creates.</summary>
    public const string DevelopmentCertificateOid = "1.3.6.1.4.1.311.84.1.1";

    /// <param name="host">The host RagLab connects to; the development-certificate rule applies only to loopback hosts.</param>
    /// <param name="pinnedThumbprint">Hex SHA-1 or SHA-256 thumbprint (colons and spaces ignored), or null.</param>
    /// <param name="developmentCertificates">The trusted development certificates; null reads them from the current user's store.</param>
    /// <param name="refused">Told the SHA-256 thumbprint of each refused certificate, so the health report can say what to pin.</param>
    public static RemoteCertificateValidationCallback Create(string host, string? pinnedThumbprint,
        Func<X509Certificate2Collection>? developmentCertificates = null, Action<string>? refused = null)
    {
        var pinned = Normalize(pinnedThumbprint);
        var loopback = IsLoopback(host);
        var devCertificates = new Lazy<X509Certificate2Collection>(developmentCertificates ?? ReadDevelopmentCertificates);
        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate is null) return false;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (pinned is not null && Matches(presented, pinned)) return true;
            // Only an untrusted chain is forgiven, never a name mismatch.
            if (loopback && errors == SslPolicyErrors.RemoteCertificateChainErrors && ChainsTo(presented, devCertificates.Value)) return true;
            refused?.Invoke(presented.GetCertHashString(HashAlgorithmName.SHA256));
            return false;
        };
    }

    private static bool Matches(X509Certificate2 certificate, string thumbprint) =>
        string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA1), thumbprint, StringComparison.OrdinalIgnoreCase)
        || string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.OrdinalIgnoreCase);

    private static bool ChainsTo(X509Certificate2 presented, X509Certificate2Collection roots)
    {
        if (roots.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }

    private static X509Certificate2Collection ReadDevelopmentCertificates()
    {
        var found = new X509Certificate2Collection();
        try
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            var now = DateTime.Now;
            foreach (var certificate in store.Certificates)
            {
                if (certificate.Extensions[DevelopmentCertificateOid] is not null && certificate.NotBefore <= now && now <= certificate.NotAfter)
                    found.Add(certificate);
            }
        }
        catch (CryptographicException)
        {
            // No user store (a locked-down account): there is simply no development certificate to trust.
        }
        return found;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static string? Normalize(string? thumbprint) =>
        string.IsNullOrWhiteSpace(thumbprint) ? null : new string(thumbprint.Where(char.IsAsciiHexDigit).ToArray());
}
