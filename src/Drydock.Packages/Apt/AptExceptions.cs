namespace Drydock.Packages.Apt;

/// <summary>
/// Repository data that failed a trust check: a signature, a key, a hash or a validity
/// date. <see cref="Location"/> names the file that was refused.
/// </summary>
public class AptTrustException : IOException
{
    public AptTrustException(string location, string message)
        : base(message)
    {
        Location = location;
    }

    public AptTrustException(string location, string message, Exception innerException)
        : base(message, innerException)
    {
        Location = location;
    }

    /// <summary>The URI or path of the refused file.</summary>
    public string Location { get; }
}

/// <summary>
/// A Release file whose OpenPGP signature is missing, bad, made by a key the source does
/// not trust, or made by a key that is expired or revoked.
/// </summary>
public sealed class AptSignatureException : AptTrustException
{
    public AptSignatureException(string location, IReadOnlyList<string> keyIds, string message)
        : base(location, message)
    {
        KeyIds = keyIds;
    }

    /// <summary>The key ids (or fingerprints) of the signatures found, in upper-case hex.</summary>
    public IReadOnlyList<string> KeyIds { get; }
}

/// <summary>A Release file past its Valid-Until date, or dated too far in the future.</summary>
public sealed class AptReleaseExpiredException : AptTrustException
{
    public AptReleaseExpiredException(string location, DateTimeOffset date, string message)
        : base(location, message)
    {
        Date = date;
    }

    /// <summary>The Valid-Until (or Date) value that failed the check.</summary>
    public DateTimeOffset Date { get; }
}

/// <summary>A downloaded file whose SHA256 or size differs from what the signed index states.</summary>
public sealed class AptHashMismatchException : AptTrustException
{
    public AptHashMismatchException(string location, string expected, string? actual, string message)
        : base(location, message)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The SHA256 (lower-case hex) the index states.</summary>
    public string Expected { get; }

    /// <summary>
    /// The SHA256 of the file received, or null when the download was stopped because it
    /// exceeded the stated size, so the whole file was never read.
    /// </summary>
    public string? Actual { get; }
}
