using System.Text;
using Drydock.Packages.Maintainer;
using Drydock.Packages.Maintainer.CaCertificates;
using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Maintainer;

public sealed class UpdateCaCertificatesTests
{
    private const string Certs = UpdateCaCertificates.EtcCertsDirectory;

    [Fact]
    public void Bookworm_MatchesRealScript()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());

        AssertSameAsScript(root);
    }

    [Fact]
    public void LocalAndDeselected_MatchRealScript()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        var mozilla = root.Host("/usr/share/ca-certificates/mozilla");
        // A local certificate without a final newline, in a subdirectory, with a name the
        // script rewrites; and one listed certificate deselected with '!'.
        var local = File.ReadAllBytes(Path.Combine(mozilla, "ISRG_Root_X1.crt"));
        root.Write("/usr/local/share/ca-certificates/corp/My CA (test),1.crt", local[..^1]);
        root.Write(
            "/usr/local/share/ca-certificates/a-second.crt",
            File.ReadAllBytes(Path.Combine(mozilla, "GTS_Root_R1.crt")));
        var config = File.ReadAllText(root.Host(UpdateCaCertificates.ConfigPath))
            .Replace("mozilla/ACCVRAIZ1.crt", "!mozilla/ACCVRAIZ1.crt", StringComparison.Ordinal);
        File.WriteAllText(root.Host(UpdateCaCertificates.ConfigPath), config + "mozilla/Missing.crt\n");

        var result = AssertSameAsScript(root);

        Assert.Contains(result.Diagnostics, d => d.Path == "/usr/share/ca-certificates/mozilla/Missing.crt");
        Assert.DoesNotContain(
            result.Changes,
            c => c.Path.EndsWith("ACCVRAIZ1.pem", StringComparison.Ordinal) && c.Kind != RootChangeKind.Remove);
    }

    [Fact]
    public void SameSubjectCertificates_NumberedInNameOrder()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        EmptyDirectory(root.Host(Certs));

        var result = UpdateCaCertificates.Run(root.Tree);

        var links = result.Changes.Where(c => c.Path.StartsWith(Certs + "/3bde41ac.", StringComparison.Ordinal))
            .ToDictionary(c => c.Path, c => c.LinkTarget);
        Assert.Equal("Autoridad_de_Certificacion_Firmaprofesional_CIF_A62634068.pem", links[Certs + "/3bde41ac.0"]);
        Assert.Equal("Autoridad_de_Certificacion_Firmaprofesional_CIF_A62634068_2.pem", links[Certs + "/3bde41ac.1"]);
    }

    [Fact]
    public void EmptyCertsDirectory_MatchesRealScript()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        EmptyDirectory(root.Host(Certs));

        var result = AssertSameAsScript(root);

        // Bookworm's ca-certificates 20230311 selects 142 certificates: 142 NAME.pem links and
        // 142 hash links.
        Assert.Equal(284, result.Changes.Count(c => c.Kind == RootChangeKind.CreateSymlink));
        Assert.Single(result.Changes, c => c.Kind == RootChangeKind.WriteFile);
    }

    [Fact]
    public void MalformedPem_ReportedOthersKept()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        root.Write("/usr/local/share/ca-certificates/broken.crt",
            Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"));
        root.Write("/usr/local/share/ca-certificates/truncated.crt",
            Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIBIjAN\n-----END CERTIFICATE-----\n"));

        var result = AssertSameAsScript(root);

        Assert.Contains(result.Diagnostics, d => d.Path == Certs + "/broken.pem");
        Assert.Contains(result.Diagnostics, d => d.Path == Certs + "/truncated.pem");
        Assert.Contains(result.Changes, c => c.Path == Certs + "/broken.pem" && c.Kind == RootChangeKind.CreateSymlink);
        Assert.Contains(result.Changes, c => c.Path == Certs + "/ca-certificates.crt");
    }

    [Fact]
    public void SecondRun_KeepsHashNumbers()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        root.Chroot("update-ca-certificates", "--fresh");
        File.Delete(root.Host(Certs + "/3bde41ac.0"));
        File.CreateSymbolicLink(
            root.Host(Certs + "/3bde41ac.7"), "Autoridad_de_Certificacion_Firmaprofesional_CIF_A62634068.pem");

        AssertSameAsScript(root);
    }

    [Fact]
    public void NoConfig_OnlyLocalCertificates()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormCaCertificates());
        File.Delete(root.Host(UpdateCaCertificates.ConfigPath));
        root.Write("/usr/local/share/ca-certificates/only.crt",
            File.ReadAllBytes(root.Host("/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt")));

        var result = AssertSameAsScript(root);

        var bundle = result.Changes.Single(c => c.Path == Certs + "/ca-certificates.crt");
        Assert.Equal(File.ReadAllBytes(root.Host("/usr/local/share/ca-certificates/only.crt")), bundle.Content);
    }

    private static void EmptyDirectory(string directory)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            entry.Delete();
        }
    }

    // Runs Drydock first, then the real script on the same root, and compares every node under
    // /etc/ssl/certs: link names and targets, and file contents byte for byte.
    private static MaintainerResult AssertSameAsScript(ScratchRoot root)
    {
        var before = root.Describe(Certs);
        var result = UpdateCaCertificates.Run(root.Tree);
        var expected = ScratchRoot.Apply(before, result.Changes);

        root.Chroot("update-ca-certificates", "--fresh");

        var actual = root.Describe(Certs);
        Assert.Equal(actual.Where(p => !expected.ContainsKey(p.Key)), []);
        Assert.Equal(expected.Where(p => !actual.ContainsKey(p.Key)), []);
        Assert.Equal(actual.Where(p => expected[p.Key] != p.Value), []);
        return result;
    }
}
