using Drydock.Packages.Maintainer.Debconf;

namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// The answers to ca-certificates' debconf questions that its config script reads, and the
/// values it stores back.
/// </summary>
/// <param name="TrustNew">
/// <c>ca-certificates/trust_new_crts</c>: <c>yes</c> (the template's default), <c>no</c> or
/// <c>ask</c>.
/// </param>
/// <param name="Enabled">The stored value of <c>ca-certificates/enable_crts</c>, a comma-separated list.</param>
/// <param name="EnabledSeen">Whether <c>ca-certificates/enable_crts</c> has the seen flag.</param>
/// <param name="New">The stored value of <c>ca-certificates/new_crts</c>, read only for <c>ask</c>.</param>
/// <param name="NewSeen">Whether <c>ca-certificates/new_crts</c> has the seen flag.</param>
internal sealed record CaCertificatesDebconf(
    string TrustNew, string Enabled = "", bool EnabledSeen = false, string New = "", bool NewSeen = false)
{
    public const string TrustNewQuestion = "ca-certificates/trust_new_crts";
    public const string EnabledQuestion = "ca-certificates/enable_crts";
    public const string NewQuestion = "ca-certificates/new_crts";

    /// <summary>The answers with no database, as the templates' defaults give them.</summary>
    public static CaCertificatesDebconf Defaults { get; } = new("yes");

    /// <summary>Reads the answers from debconf's database, or returns the defaults when there is none.</summary>
    public static CaCertificatesDebconf Read(DebconfDatabase? database)
    {
        if (database is null)
        {
            return Defaults;
        }

        // db_get returns the template's default for a question with no value; only
        // trust_new_crts has one.
        var trust = database.Find(TrustNewQuestion)?.Fields.GetValueOrDefault("value") ?? Defaults.TrustNew;
        var enabled = database.Find(EnabledQuestion);
        var fresh = database.Find(NewQuestion);
        return new CaCertificatesDebconf(
            trust,
            enabled?.Fields.GetValueOrDefault("value") ?? "",
            enabled?.Flags.Contains("seen") == true,
            fresh?.Fields.GetValueOrDefault("value") ?? "",
            fresh?.Flags.Contains("seen") == true);
    }
}
