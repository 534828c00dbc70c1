using System.Text;
using Drydock.Packages.Maintainer;
using Drydock.Packages.Maintainer.CaCertificates;
using Drydock.Packages.Maintainer.Debconf;
using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Maintainer;

/// <summary>
/// The native config script and postinst of ca-certificates judged by the real ones, run in a
/// chroot of a bookworm root on confs and debconf answers edited as an administrator would.
/// </summary>
public sealed class CaCertificatesPostinstTests
{
    private const string Conf = UpdateCaCertificates.ConfigPath;
    private const string Database = DebconfDatabase.ConfigPath;

    [Fact]
    public void UnchangedRoot_LeavesConf()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());

        var result = AssertSameAsPostinst(root);

        Assert.DoesNotContain(result.Changes, c => c.Path == Conf);
        Assert.Contains(result.Changes, c => c.Path == Database);
    }

    [Fact]
    public void EditedConf_MatchesPostinst()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        EditConf(root, conf => conf
            .Replace("mozilla/ACCVRAIZ1.crt\n", "!mozilla/ACCVRAIZ1.crt\n# kept by hand\n", StringComparison.Ordinal)
            .Replace("mozilla/ISRG_Root_X1.crt\n", "", StringComparison.Ordinal)
            .Replace("mozilla/GTS_Root_R1.crt\n", "  mozilla/GTS_Root_R1.crt\t\n", StringComparison.Ordinal)
            + "mozilla/Vanished_Root.crt\ncorp/Local_Root.crt\n!mozilla/Never_Shipped.crt\n");
        root.Write("/usr/local/share/ca-certificates/corp/Local_Root.crt", ReadCertificate(root, "GTS_Root_R2.crt"));

        var result = AssertSameAsPostinst(root);

        var conf = Text(result, Conf);
        Assert.Contains("\n!mozilla/Vanished_Root.crt\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ncorp/Local_Root.crt\n", conf, StringComparison.Ordinal);
        Assert.Contains("\n!mozilla/ACCVRAIZ1.crt\n# kept by hand\n", conf, StringComparison.Ordinal);
        Assert.EndsWith("\nmozilla/ISRG_Root_X1.crt\n", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustNewNo_MatchesPostinst()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        SetTrustNew(root, "no");
        EditConf(root, conf => conf
            .Replace("mozilla/ISRG_Root_X1.crt\n", "", StringComparison.Ordinal)
            .Replace("mozilla/GTS_Root_R1.crt\n", " mozilla/GTS_Root_R1.crt\n", StringComparison.Ordinal));

        var result = AssertSameAsPostinst(root);

        var conf = Text(result, Conf);
        Assert.Contains("!mozilla/ISRG_Root_X1.crt\n", conf, StringComparison.Ordinal);
        Assert.Contains("!mozilla/GTS_Root_R1.crt\n", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingConf_MatchesPostinst()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        File.Delete(root.Host(Conf));

        AssertSameAsPostinst(root);
    }

    [Fact]
    public void MissingConfTrustNewNo_MatchesPostinst()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        SetTrustNew(root, "no");
        File.Delete(root.Host(Conf));

        var result = AssertSameAsPostinst(root);

        Assert.DoesNotContain("\nmozilla/", Text(result, Conf), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfWithoutFinalNewline_MatchesPostinst()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        EditConf(root, conf => conf.TrimEnd('\n'));

        AssertSameAsPostinst(root);
    }

    [Fact]
    public void MissingDatabase_TrustsNewCertificates()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        EditConf(root, conf => conf.Replace("mozilla/ISRG_Root_X1.crt\n", "", StringComparison.Ordinal));
        File.Delete(root.Host(Database));

        var result = CaCertificatesPostinst.Configure(root.Tree);

        Assert.DoesNotContain(result.Changes, c => c.Path.StartsWith(Database, StringComparison.Ordinal));
        Assert.EndsWith("\nmozilla/ISRG_Root_X1.crt\n", Text(result, Conf), StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptDatabase_RaisesInvalidData()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        root.Write(Database, Encoding.UTF8.GetBytes("Name: a/b\nTemplate a/b\n\n"));

        var error = Assert.Throws<InvalidDataException>(() => CaCertificatesPostinst.Configure(root.Tree));

        Assert.Contains($"'{Database}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Template a/b'", error.Message, StringComparison.Ordinal);
    }

    // Computes Drydock's changes first, then runs the real postinst on the same root as dpkg
    // would start it (debconf runs the config script before it). Every file Drydock writes
    // must match the real one.
    private static MaintainerResult AssertSameAsPostinst(ScratchRoot root)
    {
        var result = CaCertificatesPostinst.Configure(root.Tree);
        var oldConfExisted = File.Exists(root.Host(Conf));

        root.Chroot(
            "env", "DEBIAN_FRONTEND=noninteractive", "DPKG_MAINTSCRIPT_PACKAGE=ca-certificates",
            "DPKG_MAINTSCRIPT_NAME=postinst",
            "/var/lib/dpkg/info/ca-certificates.postinst", "configure", "20230311+deb12u1");

        foreach (var change in result.Changes)
        {
            Assert.Equal(RootChangeKind.WriteFile, change.Kind);
            Assert.Equal(File.ReadAllText(root.Host(change.Path)), Encoding.UTF8.GetString(change.Content!));
            Assert.Equal(File.ReadAllBytes(root.Host(change.Path)), change.Content);
        }

        Assert.Equal(
            File.Exists(root.Host(CaCertificatesPostinst.OldConfigPath)),
            result.Changes.Any(c => c.Path == CaCertificatesPostinst.OldConfigPath));
        if (!oldConfExisted)
        {
            Assert.Contains(result.Changes, c => c.Path == Conf);
        }

        return result;
    }

    private static void EditConf(ScratchRoot root, Func<string, string> edit) =>
        File.WriteAllText(root.Host(Conf), edit(File.ReadAllText(root.Host(Conf))));

    private static void SetTrustNew(ScratchRoot root, string answer) =>
        root.Chroot("sh", "-c", $"echo 'ca-certificates ca-certificates/trust_new_crts select {answer}' | debconf-set-selections");

    private static byte[] ReadCertificate(ScratchRoot root, string name) =>
        File.ReadAllBytes(root.Host("/usr/share/ca-certificates/mozilla/" + name));

    private static string Text(MaintainerResult result, string path) =>
        Encoding.UTF8.GetString(result.Changes.Single(c => c.Path == path).Content!);
}
