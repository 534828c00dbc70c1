namespace Drydock.Advisories;

/// <summary>
/// A distribution's own verdict on one vulnerability in one package of one release, kept as
/// the distribution states it rather than flattened into "vulnerable or not".
/// </summary>
public enum Verdict
{
    /// <summary>A fixed version exists in the release and the installed version is older.</summary>
    Fixable,

    /// <summary>The package is affected and the distribution has no fix yet.</summary>
    Open,

    /// <summary>
    /// The distribution decided not to fix it in this release (Debian "no DSA" or an
    /// end-of-life package, Ubuntu "ignored", Red Hat "will not fix").
    /// </summary>
    WillNotFix,

    /// <summary>The distribution rates the issue as not worth a fix (Debian "unimportant").</summary>
    Unimportant,

    /// <summary>The distribution states the release's package is not affected.</summary>
    NotAffected,
}
