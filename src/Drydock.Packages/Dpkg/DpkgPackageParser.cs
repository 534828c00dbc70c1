using Drydock.Packages.Deb822;
using Drydock.Packages.Inventory;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Dpkg;

/// <summary>
/// Turns one stanza of the dpkg status database, or of a distroless <c>status.d</c> file, into
/// an <see cref="InstalledPackage"/>, rejecting what dpkg rejects when it reads the database.
/// </summary>
internal static class DpkgPackageParser
{
    /// <summary>The outcome for one stanza: a package, nothing (not installed) or an error.</summary>
    internal readonly record struct Outcome(InstalledPackage? Package, string? Error);

    public static Outcome Parse(Deb822Paragraph stanza, string database)
    {
        if (stanza.Errors.Count > 0)
        {
            var first = stanza.Errors[0];
            return Fail($"The stanza has a malformed line {first.LineNumber}: {first.Message}");
        }

        var name = stanza["Package"];
        if (string.IsNullOrEmpty(name))
        {
            return Fail("The stanza has no 'Package' field.");
        }

        if (CheckName(name) is { } nameError)
        {
            return Fail($"The package name '{name}' is invalid: {nameError}.");
        }

        var status = stanza["Status"];
        if (status is not null && !IsInstalled(status, out var statusError))
        {
            return statusError is null ? default : Fail($"Package '{name}' has {statusError}.");
        }

        var versionText = stanza["Version"];
        if (!DebianVersion.TryParse(versionText, out var version, out var versionError))
        {
            return Fail($"Package '{name}' has version '{versionText}' that dpkg rejects: {versionError}.");
        }

        var source = ParseSource(stanza["Source"], name, version, out var sourceError);
        if (source is null)
        {
            return Fail($"Package '{name}' has an invalid 'Source' field: {sourceError}.");
        }

        var (sourceName, sourceVersion) = source.Value;
        return new Outcome(
            new InstalledPackage
            {
                Type = PackageType.Deb,
                Name = name,
                Version = versionText!,
                Architecture = stanza["Architecture"],
                SourceName = sourceName,
                SourceVersion = sourceVersion.ToString(),
                Maintainer = stanza["Maintainer"],
                InstalledSize = ParseInstalledSize(stanza["Installed-Size"]),
                Database = database,
                Dpkg = new DpkgPackageDetails(status, stanza["Multi-Arch"])
                {
                    ParsedVersion = version,
                    ParsedSourceVersion = sourceVersion,
                },
            },
            null);
    }

    /// <summary>
    /// Tells whether a <c>Status: WANT FLAG STATE</c> value means the package's files are on
    /// disk: every state but <c>not-installed</c> and <c>config-files</c>.
    /// </summary>
    public static bool IsInstalled(string status, out string? error)
    {
        error = null;
        var words = status.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 3)
        {
            error = $"status '{status}', which is not three words (want, flag, state)";
            return false;
        }

        return words[2] switch
        {
            "not-installed" or "config-files" => false,
            "installed" or "half-installed" or "unpacked" or "half-configured" or "triggers-awaited"
                or "triggers-pending" => true,
            _ => Invalid($"status '{status}' with unknown state '{words[2]}'", out error),
        };
    }

    /// <summary>
    /// Parses <c>Source: NAME</c> or <c>Source: NAME (VERSION)</c>; without the field, or without
    /// a version, the binary's name or version is used, as dpkg-query's <c>source:Package</c>
    /// and <c>source:Version</c> do.
    /// </summary>
    public static (string Name, DebianVersion Version)? ParseSource(
        string? value, string binaryName, DebianVersion binaryVersion, out string? error)
    {
        error = null;
        if (value is null)
        {
            return (binaryName, binaryVersion);
        }

        var text = value.Trim();
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var name = (open < 0 ? text : text[..open]).TrimEnd();
        if (CheckName(name) is { } nameError)
        {
            error = $"source name '{name}' is invalid: {nameError}";
            return null;
        }

        if (open < 0)
        {
            return (name, binaryVersion);
        }

        if (!text.EndsWith(')'))
        {
            error = $"'{value}' has no closing parenthesis";
            return null;
        }

        var versionText = text[(open + 1)..^1].Trim();
        if (!DebianVersion.TryParse(versionText, out var version, out var versionError))
        {
            error = $"source version '{versionText}' is invalid: {versionError}";
            return null;
        }

        return (name, version);
    }

    /// <summary>
    /// Checks a package name as pkg_name_is_illegal in dpkg's lib/dpkg/parsehelp.c does: it
    /// starts with a letter or digit and holds only letters, digits and <c>-+._</c>. Returns the
    /// problem, or null.
    /// </summary>
    public static string? CheckName(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            return "it must start with a letter or digit";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '+' or '.' or '_'))
            {
                return $"character '{c}' is not allowed";
            }
        }

        return null;
    }

    private static long? ParseInstalledSize(string? value) =>
        long.TryParse(value, out var kibibytes) && kibibytes is >= 0 and < long.MaxValue / 1024
            ? kibibytes * 1024
            : null;

    private static bool Invalid(string message, out string? error)
    {
        error = message;
        return false;
    }

    private static Outcome Fail(string error) => new(null, error);
}
