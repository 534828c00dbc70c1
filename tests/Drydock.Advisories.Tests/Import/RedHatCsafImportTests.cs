using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Import;

public sealed class RedHatCsafImportTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    [Fact]
    public void Csaf_BinaryRpmFixedEvr()
    {
        Import("vunnel-rhsa-2024_0010.json");

        var rows = _store.Rows("package = 'tigervnc' AND vulnerability = 'CVE-2023-5367'");

        var row = Assert.Single(rows);
        Assert.Equal("redhat-csaf", row.Source);
        Assert.Equal("redhat:9", row.Namespace);
        Assert.Equal("", row.Stream);
        Assert.Equal("RHSA-2024:0010", row.Advisory);
        Assert.Equal("fixed", row.Status);
        Assert.Equal("0:1.13.1-3.el9_3.3", row.FixedVersion);
        Assert.Equal("Important", row.Severity);
    }

    [Fact]
    public void Csaf_SourceRpmKeptApart()
    {
        Import("vunnel-rhsa-2024_0010.json");

        var row = Assert.Single(_store.Rows("package = 'src:tigervnc' AND vulnerability = 'CVE-2023-5367'"));

        Assert.Equal("0:1.13.1-3.el9_3.3", row.FixedVersion);
    }

    [Fact]
    public void Csaf_ModuleStreamKeptApart()
    {
        Import("vunnel-rhsa-2024_1431.json");

        var row = Assert.Single(_store.Rows("package = 'ruby' AND vulnerability = 'CVE-2021-33621'"));

        Assert.Equal("redhat:8", row.Namespace);
        Assert.Equal("module:ruby:3.1", row.Stream);
        Assert.Equal("0:3.1.4-142.module+el8.9.0+21471+7d1e4a35", row.FixedVersion);
        Assert.Equal("Moderate", row.Severity);
    }

    [Fact]
    public void Csaf_OlderModuleSuffix()
    {
        Import("vunnel-rhsa-2023_3821.json");

        var rows = _store.Rows("package = 'ruby' AND stream = 'module:ruby:2.7'");

        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal("0:2.7.8-139.module+el8.8.0+18745+f1bef313", row.FixedVersion));
    }

    [Fact]
    public void Csaf_ExtendedStreamsKeptApart()
    {
        Import("vunnel-rhsa-2024_0811.json");

        var rows = _store.Rows("package = 'sudo' AND vulnerability = 'CVE-2023-28486' AND namespace = 'redhat:9'");

        Assert.Equal(["", "eus-9.0", "eus-9.2"], rows.Select(r => r.Stream).Distinct().Order());
        Assert.Equal("0:1.9.5p2-7.el9_0.4", rows.Single(r => r.Stream == "eus-9.0").FixedVersion);
        Assert.Equal("0:1.9.5p2-9.el9_2.2", rows.Single(r => r.Stream == "eus-9.2").FixedVersion);
    }

    [Fact]
    public void Csaf_NotAffectedAndEpoch()
    {
        Import("vunnel-rhsa-2025_23414.json");

        var rows = _store.Rows("vulnerability = 'CVE-2025-40778' AND package = 'bind'");

        Assert.All(rows, row => Assert.Equal("redhat:6", row.Namespace));
        Assert.All(rows, row => Assert.Equal("els", row.Stream));
        Assert.Contains(rows, row => row.Status == "fixed" && row.FixedVersion == "32:9.8.2-0.68.rc1.el6_10.17");
        Assert.NotEmpty(_store.Rows("vulnerability = 'CVE-2025-40778' AND status = 'not-affected'"));
    }

    [Fact]
    public void Csaf_OtherProductsAndImagesSkipped()
    {
        Import("vulnerablecode-rhba-2024_11505.json", "vulnerablecode-rhba-2025_0409.json",
            "vulnerablecode-rhba-2025_1079.json");

        Assert.Equal(0, _store.Count("SELECT COUNT(*) FROM affected"));
    }

    [Fact]
    public void Csaf_EveryRhelSampleImports()
    {
        var result = _store.Import(SharedData.Require("redhat-csaf-samples"));

        Assert.Equal(0, result.MalformedCount);
        var status = Assert.Single(_store.Store.GetStatus());
        Assert.Equal(["redhat:4", "redhat:5", "redhat:6", "redhat:8", "redhat:9"], status.Namespaces.Order());
    }

    public void Dispose() => _store.Dispose();

    private void Import(params string[] files) =>
        _store.Import(files.Select(file => SharedData.Require($"redhat-csaf-samples/{file}")).ToArray());
}
