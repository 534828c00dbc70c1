using Drydock.Packages.Maintainer.CaCertificates;

namespace Drydock.Packages.Tests.Maintainer;

public sealed class CaCertificatesConfRewriterTests
{
    private const string OldConf = """
        # line begins with ! is certificate filename to be deselected.
        #
        mozilla/A.crt
        !mozilla/B.crt
        mozilla/Gone.crt
        # a note
        local/Corp.crt

        """;

    private static readonly string[] _available = ["mozilla/C.crt", "mozilla/B.crt", "mozilla/A.crt"];

    [Fact]
    public void TrustNewYes_SelectsNewCertificate()
    {
        var selection = CaCertificatesConfRewriter.Select(OldConf, _available, CaCertificatesDebconf.Defaults);

        Assert.Equal("mozilla/A.crt, mozilla/C.crt", selection.Enabled);
        Assert.Equal("mozilla/A.crt, mozilla/B.crt, mozilla/C.crt", selection.Available);
        Assert.Equal("", selection.New);
    }

    [Fact]
    public void TrustNewYes_RewritesAndAppends()
    {
        var selection = CaCertificatesConfRewriter.Select(OldConf, _available, CaCertificatesDebconf.Defaults);

        var conf = CaCertificatesConfRewriter.Rewrite(OldConf, selection, name => name == "local/Corp.crt");

        Assert.Equal(
            """
            # line begins with ! is certificate filename to be deselected.
            #
            mozilla/A.crt
            !mozilla/B.crt
            !mozilla/Gone.crt
            # a note
            local/Corp.crt
            mozilla/C.crt

            """,
            conf);
    }

    [Fact]
    public void TrustNewNo_DeselectsNewCertificate()
    {
        var selection = CaCertificatesConfRewriter.Select(OldConf, _available, new CaCertificatesDebconf("no"));

        var conf = CaCertificatesConfRewriter.Rewrite(OldConf, selection, _ => false);

        Assert.Equal("mozilla/A.crt", selection.Enabled);
        Assert.EndsWith("!local/Corp.crt\n!mozilla/C.crt\n", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustNewAsk_TakesStoredAnswer()
    {
        var debconf = new CaCertificatesDebconf("ask", Enabled: "mozilla/A.crt", New: "mozilla/C.crt");

        var selection = CaCertificatesConfRewriter.Select(OldConf, _available, debconf);

        Assert.Equal("mozilla/C.crt", selection.New);
        Assert.Equal("mozilla/A.crt, mozilla/C.crt", selection.Enabled);
    }

    [Fact]
    public void TrustNewAsk_KeepsStoredSelection()
    {
        var debconf = new CaCertificatesDebconf("ask", Enabled: "mozilla/C.crt");

        var selection = CaCertificatesConfRewriter.Select(OldConf, _available, debconf);

        Assert.Equal("mozilla/C.crt", selection.Enabled);
    }

    [Fact]
    public void MissingConf_WritesHeaderAndEveryCertificate()
    {
        var selection = CaCertificatesConfRewriter.Select(null, _available, CaCertificatesDebconf.Defaults);

        var conf = CaCertificatesConfRewriter.Rewrite(null, selection, _ => true);

        var header = CaCertificatesConfRewriter.Header.ReplaceLineEndings("\n");
        Assert.Equal(header + "mozilla/A.crt\nmozilla/B.crt\nmozilla/C.crt\n", conf);
    }

    [Fact]
    public void NameWithDot_MatchesAsGrepDoes()
    {
        // The postinst's grep reads '.' as any character, so the line of the local file
        // mozilla/AXcrt counts as listing mozilla/A.crt, which is then not appended.
        const string conf = "mozilla/AXcrt\n";
        var selection = CaCertificatesConfRewriter.Select(conf, ["mozilla/A.crt"], CaCertificatesDebconf.Defaults);

        var rewritten = CaCertificatesConfRewriter.Rewrite(conf, selection, name => name == "mozilla/AXcrt");

        Assert.Equal("mozilla/AXcrt\n", rewritten);
    }
}
