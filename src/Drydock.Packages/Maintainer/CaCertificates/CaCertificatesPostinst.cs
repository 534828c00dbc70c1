using System.Text;
using Drydock.Packages.Maintainer.Debconf;

namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// Makes natively what ca-certificates' config script and postinst (Debian 20230311 and
/// 20250419) change before they call update-ca-certificates on <c>configure</c> after an
/// upgrade: <c>/etc/ca-certificates.conf</c>, with the old one kept as
/// <c>ca-certificates.conf.dpkg-old</c> when it changed, and the ca-certificates questions in
/// debconf's <c>config.dat</c>, with the old database kept as <c>config.dat-old</c>.
/// </summary>
/// <remarks>
/// Without a <c>config.dat</c>, as in distroless images, the answers are the templates'
/// defaults, so new certificates are trusted, and no database is written.
/// NOTE: debconf also loads the new version's templates into <c>templates.dat</c>; that file
/// is left as the image has it.
/// </remarks>
internal static class CaCertificatesPostinst
{
    public const string OldConfigPath = UpdateCaCertificates.ConfigPath + ".dpkg-old";
    public const string OldDatabasePath = DebconfDatabase.ConfigPath + "-old";

    /// <summary>Computes the changes the scripts make to the root, whose new package files are unpacked.</summary>
    /// <exception cref="InvalidDataException">debconf's <c>config.dat</c> is malformed.</exception>
    public static MaintainerResult Configure(IRootTree root)
    {
        var changes = new List<RootChange>();
        var diagnostics = new List<MaintainerDiagnostic>();
        var oldConfBytes = ReadRegularFile(root, UpdateCaCertificates.ConfigPath);
        var oldConf = oldConfBytes is null ? null : Encoding.UTF8.GetString(oldConfBytes);
        var databaseBytes = ReadRegularFile(root, DebconfDatabase.ConfigPath);
        var database = databaseBytes is null ? null : DebconfDatabase.Parse(databaseBytes);

        var selection = CaCertificatesConfRewriter.Select(
            oldConf, AvailableCertificates(root), CaCertificatesDebconf.Read(database));
        var conf = Encoding.UTF8.GetBytes(
            CaCertificatesConfRewriter.Rewrite(oldConf, selection, name => IsCertificateFile(root, name)));
        if (oldConfBytes is not null && !oldConfBytes.AsSpan().SequenceEqual(conf))
        {
            changes.Add(RootChange.File(OldConfigPath, oldConfBytes));
        }

        if (oldConfBytes is null || changes.Count > 0)
        {
            changes.Add(RootChange.File(UpdateCaCertificates.ConfigPath, conf));
        }

        if (database is not null && Store(database, selection, diagnostics))
        {
            // debconf saves the whole database when a value changed and keeps the old file.
            changes.Add(RootChange.File(OldDatabasePath, databaseBytes!));
            changes.Add(RootChange.File(DebconfDatabase.ConfigPath, database.Write()));
        }

        return new MaintainerResult(changes, diagnostics);
    }

    // The config script's db_set and db_subst calls, then the postinst's
    // `db_fset ca-certificates/new_crts seen false`. The noninteractive frontend shows no
    // question, so no other seen flag changes.
    private static bool Store(DebconfDatabase database, CaCertificatesSelection selection, List<MaintainerDiagnostic> diagnostics)
    {
        var enabled = database.Find(CaCertificatesDebconf.EnabledQuestion);
        var fresh = database.Find(CaCertificatesDebconf.NewQuestion);
        if (enabled is null || fresh is null)
        {
            var missing = enabled is null ? CaCertificatesDebconf.EnabledQuestion : CaCertificatesDebconf.NewQuestion;
            diagnostics.Add(new MaintainerDiagnostic(
                DebconfDatabase.ConfigPath,
                $"The question '{missing}' is missing, so the database is left as it is."));
            return false;
        }

        enabled.Fields["value"] = selection.Enabled;
        enabled.Variables["enable_crts"] = selection.Available;
        fresh.Variables["new_crts"] = selection.New;
        fresh.Flags.Remove("seen");
        return true;
    }

    // find /usr/share/ca-certificates -type f -name '*.crt', which follows no link. The config
    // script also adds the names it lists itself, which are the files its package ships.
    private static List<string> AvailableCertificates(IRootTree root)
    {
        var found = new List<string>();
        Find(root, UpdateCaCertificates.CertsDirectory, "", found, depth: 0);
        return found;
    }

    private static void Find(IRootTree root, string directory, string prefix, List<string> found, int depth)
    {
        foreach (var child in root.List(directory))
        {
            var name = prefix + child[(child.LastIndexOf('/') + 1)..];
            var kind = root.KindOf(child);
            if (kind == RootNodeKind.Directory && depth < 40)
            {
                Find(root, child, name + "/", found, depth + 1);
            }
            else if (kind == RootNodeKind.File && name.EndsWith(".crt", StringComparison.Ordinal))
            {
                found.Add(name);
            }
        }
    }

    // [ -f /usr/share/ca-certificates/NAME ] || [ -f /usr/local/share/ca-certificates/NAME ]
    private static bool IsCertificateFile(IRootTree root, string name) =>
        name.Length > 0
        && (IsRegularFile(root, $"{UpdateCaCertificates.CertsDirectory}/{name}")
            || IsRegularFile(root, $"{UpdateCaCertificates.LocalCertsDirectory}/{name}"));

    private static bool IsRegularFile(IRootTree root, string path) =>
        root.ResolvePath(path) is { } resolved && root.KindOf(resolved) == RootNodeKind.File;

    private static byte[]? ReadRegularFile(IRootTree root, string path)
    {
        if (!IsRegularFile(root, path))
        {
            return null;
        }

        using var stream = root.OpenRead(path);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
