using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace RagLab.Infrastructure.Access;

/// <summary>
/// RagLab's API keys: a secret <c>raglab_&lt;name&gt;_&lt;43 characters&gt;</c> the client holds, and a salted PBKDF2 hash
/// (<c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>) the server's configuration holds. The name inside the secret
/// picks the one configured key to check, so a request costs one hash, whatever the number of keys.
/// </summary>
public static partial class ApiKeySecret
{
    public const string Prefix = "raglab_";
    private const string Algorithm = "pbkdf2-sha256";

    /// <summary>
    /// The secret is 256 random bits, so no work factor is needed against guessing it; the hash only makes a leaked
    /// configuration useless. The count is kept low because every wrong key sent costs one hash.
    /// </summary>
    public const int DefaultIterations = 10_000;

    private const int SecretBytes = 32;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Letters, digits and '-': the name sits inside the secret, before its random part.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>A new secret for the key <paramref name="name"/>, and its hash for the configuration.</summary>
    public static (string Secret, string Hash) Create(string name, int iterations = DefaultIterations)
    {
        if (!IsValidName(name)) throw new ArgumentException($"A key name is 1 to 40 letters, digits or '-'; '{name}' is not.", nameof(name));
        var secret = Prefix + name + "_" + Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (secret, Hash(secret, RandomNumberGenerator.GetBytes(SaltBytes), iterations));
    }

    /// <summary>The key name a presented secret claims, or null when it is not shaped as a RagLab key.</summary>
    public static string? NameOf(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var rest = secret.AsSpan(Prefix.Length);
        var end = rest.IndexOf('_');
        if (end <= 0) return null;
        var name = rest[..end].ToString();
        return IsValidName(name) ? name : null;
    }

    /// <summary>Whether <paramref name="hash"/> is well formed; <paramref name="error"/> says what is wrong when it is not.</summary>
    public static bool TryParse(string? hash, out ParsedHash parsed, out string error)
    {
        parsed = default;
        var parts = (hash ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm)
        {
            error = $"a hash is '{Algorithm}$<iterations>$<salt>$<hash>' as `raglab keys create` prints it";
            return false;
        }
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1000)
        {
            error = "its iteration count must be a number of at least 1000";
            return false;
        }
        try
        {
            parsed = new ParsedHash(iterations, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
        }
        catch (FormatException)
        {
            error = "its salt and hash must be base64";
            return false;
        }
        if (parsed.Hash.Length != HashBytes || parsed.Salt.Length < 8)
        {
            error = $"its hash must be {HashBytes} bytes and its salt at least 8";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="expected"/>, compared in constant time.</summary>
    public static bool Verify(string secret, ParsedHash expected)
    {
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), expected.Salt, expected.Iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(actual, expected.Hash);
    }

    private static string Hash(string secret, byte[] salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Algorithm, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9-]{1,40}$")]
    private static partial Regex NamePattern();

    /// <summary>A configured key's hash, decoded.</summary>
    public readonly record struct ParsedHash(int Iterations, byte[] Salt, byte[] Hash);
}
