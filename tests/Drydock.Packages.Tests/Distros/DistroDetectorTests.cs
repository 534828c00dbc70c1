using Drydock.Packages.Distros;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Distros;

public sealed class DistroDetectorTests
{
    private const string Ubuntu2204 = """
        PRETTY_NAME="Ubuntu 22.04.3 LTS"
        NAME="Ubuntu"
        VERSION_ID="22.04"
        VERSION="22.04.3 LTS (Jammy Jellyfish)"
        VERSION_CODENAME=jammy
        ID=ubuntu
        ID_LIKE=debian
        HOME_URL="https://www.ubuntu.com/"
        UBUNTU_CODENAME=jammy
        """;

    private const string Alpine318 = """
        NAME="Alpine Linux"
        ID=alpine
        VERSION_ID=3.18.4
        PRETTY_NAME="Alpine Linux v3.18"
        HOME_URL="https://alpinelinux.org/"
        BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
        """;

    private const string AlpineEdge = """
        NAME="Alpine Linux"
        ID=alpine
        VERSION_ID=3.17_alpha20220715
        PRETTY_NAME="Alpine Linux edge"
        """;

    private const string DebianTesting = """
        PRETTY_NAME="Debian GNU/Linux trixie/sid"
        NAME="Debian GNU/Linux"
        VERSION_CODENAME=trixie
        ID=debian
        HOME_URL="https://www.debian.org/"
        """;

    private const string Distroless = """
        PRETTY_NAME="Distroless"
        NAME="Debian GNU/Linux"
        ID="debian"
        VERSION_ID="12"
        VERSION="Debian GNU/Linux 12 (bookworm)"
        HOME_URL="https://github.com/GoogleContainerTools/distroless"
        """;

    private const string Ubi9 = """
        NAME="Red Hat Enterprise Linux"
        VERSION="9.3 (Plow)"
        ID="rhel"
        ID_LIKE="fedora"
        VERSION_ID="9.3"
        PLATFORM_ID="platform:el9"
        PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
        CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
        """;

    private static Distro Detect(params (string Path, string Text)[] files)
    {
        var map = files.ToDictionary(f => f.Path, f => f.Text);
        return DistroDetector.Detect(path => map.GetValueOrDefault(path))
            ?? throw new InvalidOperationException("Nothing detected.");
    }

    [Fact]
    public void Detect_Debian12Fixture()
    {
        var root = SharedData.Require("pkgdb-fixtures/dpkg/debian12-minbase-debootstrap");

        var distro = DistroDetector.Detect(ImageFiles.FromDirectory(root))!;

        Assert.Equal("debian", distro.Id);
        Assert.Equal("12", distro.Release);
        Assert.Equal("12.15", distro.Version);
        Assert.Equal("bookworm", distro.Codename);
        Assert.Equal("debian:12", distro.Namespace);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", distro.PrettyName);
        Assert.Equal(PackageFormat.Deb, distro.PackageFormat);
        Assert.Equal(new DateOnly(2028, 6, 30), distro.EndOfLife);
        Assert.Contains("/etc/os-release", distro.Sources);
    }

    [Fact]
    public void Detect_Ubuntu2204()
    {
        var distro = Detect(("/etc/os-release", Ubuntu2204), ("/etc/debian_version", "bookworm/sid\n"));

        Assert.Equal("ubuntu", distro.Id);
        Assert.Equal("22.04", distro.Release);
        Assert.Equal("22.04.3", distro.Version);
        Assert.Equal("jammy", distro.Codename);
        Assert.Equal("ubuntu:22.04", distro.Namespace);
        Assert.Equal(PackageFormat.Deb, distro.PackageFormat);
    }

    [Fact]
    public void Detect_Alpine318()
    {
        var distro = Detect(("/etc/os-release", Alpine318), ("/etc/alpine-release", "3.18.4\n"));

        Assert.Equal("3.18", distro.Release);
        Assert.Equal("3.18.4", distro.Version);
        Assert.Equal("alpine:3.18", distro.Namespace);
        Assert.Equal(PackageFormat.Apk, distro.PackageFormat);
        Assert.True(distro.IsEndOfLife(new DateOnly(2026, 12, 4)));
        Assert.False(distro.IsEndOfLife(new DateOnly(2025, 5, 9)));
    }

    [Fact]
    public void Detect_AlpineEdge()
    {
        var distro = Detect(("/etc/os-release", AlpineEdge));

        Assert.Equal("edge", distro.Release);
        Assert.Equal("alpine:edge", distro.Namespace);
        Assert.Equal("3.17_alpha20220715", distro.Version);
        Assert.False(distro.IsEndOfLife(new DateOnly(2030, 1, 1)));
    }

    [Fact]
    public void Detect_DebianTesting()
    {
        var distro = Detect(("/etc/os-release", DebianTesting), ("/etc/debian_version", "trixie/sid\n"));

        Assert.Equal("testing", distro.Release);
        Assert.Equal("trixie", distro.Codename);
        Assert.Equal("debian:testing", distro.Namespace);
        Assert.Equal("trixie/sid", distro.Version);
    }

    [Fact]
    public void Detect_DebianUnstableFromAptSources()
    {
        const string sources = "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: sid\nComponents: main\n";

        var distro = Detect(
            ("/etc/os-release", DebianTesting),
            ("/etc/debian_version", "trixie/sid\n"),
            ("/etc/apt/sources.list.d/debian.sources", sources));

        Assert.Equal("unstable", distro.Release);
        Assert.Equal("sid", distro.Codename);
        Assert.Equal("debian:unstable", distro.Namespace);
    }

    [Fact]
    public void Detect_OldTestingWithoutOsReleaseCodename()
    {
        var distro = Detect(
            ("/usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux bookworm/sid\"\nID=debian\n"),
            ("/etc/debian_version", "bookworm/sid\n"));

        Assert.Equal("testing", distro.Release);
        Assert.Equal("bookworm", distro.Codename);
        Assert.Contains("/usr/lib/os-release", distro.Sources);
    }

    [Fact]
    public void Detect_Distroless()
    {
        var distro = Detect(("/etc/os-release", Distroless));

        Assert.Equal("debian:12", distro.Namespace);
        Assert.Equal("bookworm", distro.Codename);
        Assert.Equal("Distroless", distro.PrettyName);
    }

    [Fact]
    public void Detect_Ubi9()
    {
        var distro = Detect(("/etc/os-release", Ubi9), ("/etc/redhat-release", "Red Hat Enterprise Linux release 9.3 (Plow)"));

        Assert.Equal("rhel", distro.Id);
        Assert.Equal("9", distro.Release);
        Assert.Equal("9.3", distro.Version);
        Assert.Equal("redhat:9", distro.Namespace);
        Assert.Equal(PackageFormat.Rpm, distro.PackageFormat);
    }

    [Theory]
    [InlineData("wolfi", "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"", "wolfi:rolling", PackageFormat.Apk)]
    [InlineData("centos 7", "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"", "centos:7", PackageFormat.Rpm)]
    [InlineData("centos stream 9", "NAME=\"CentOS Stream\"\nVERSION=\"9\"\nID=\"centos\"\nVERSION_ID=\"9\"", "centos:9", PackageFormat.Rpm)]
    [InlineData("rocky 9", "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"", "rocky:9", PackageFormat.Rpm)]
    [InlineData("alma 8", "NAME=\"AlmaLinux\"\nID=\"almalinux\"\nVERSION_ID=\"8.9\"", "alma:8", PackageFormat.Rpm)]
    [InlineData("oracle 8", "NAME=\"Oracle Linux Server\"\nID=\"ol\"\nVERSION_ID=\"8.9\"", "oracle:8", PackageFormat.Rpm)]
    [InlineData("fedora 39", "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=39", "fedora:39", PackageFormat.Rpm)]
    [InlineData("amazon 2", "NAME=\"Amazon Linux\"\nID=\"amzn\"\nVERSION_ID=\"2\"", "amazon:2", PackageFormat.Rpm)]
    [InlineData("amazon 2023", "NAME=\"Amazon Linux\"\nID=\"amzn\"\nVERSION_ID=\"2023\"", "amazon:2023", PackageFormat.Rpm)]
    [InlineData("amazon 1", "NAME=\"Amazon Linux AMI\"\nID=\"amzn\"\nVERSION_ID=\"2018.03\"", "amazon:1", PackageFormat.Rpm)]
    [InlineData("sles 15 sp5", "NAME=\"SLES\"\nID=\"sles\"\nID_LIKE=\"suse\"\nVERSION_ID=\"15.5\"", "sles:15.5", PackageFormat.Rpm)]
    [InlineData("leap 15.5", "NAME=\"openSUSE Leap\"\nID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"", "opensuse-leap:15.5", PackageFormat.Rpm)]
    [InlineData("tumbleweed", "NAME=\"openSUSE Tumbleweed\"\nID=\"opensuse-tumbleweed\"\nVERSION_ID=\"20231101\"", "opensuse-tumbleweed:rolling", PackageFormat.Rpm)]
    [InlineData("azure linux 3", "NAME=\"Microsoft Azure Linux\"\nID=azurelinux\nVERSION_ID=\"3.0\"", "azurelinux:3.0", PackageFormat.Rpm)]
    [InlineData("mariner 2", "NAME=\"Common Base Linux Mariner\"\nID=mariner\nVERSION_ID=\"2.0\"", "mariner:2.0", PackageFormat.Rpm)]
    [InlineData("derivative", "NAME=\"Pop!_OS\"\nID=pop\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"22.04\"", "pop:22.04", PackageFormat.Deb)]
    public void Detect_OsReleaseNamespace(string name, string osRelease, string expectedNamespace, PackageFormat format)
    {
        var distro = Detect(("/etc/os-release", osRelease));

        Assert.True(expectedNamespace == distro.Namespace, $"{name}: {distro.Namespace}");
        Assert.Equal(format, distro.PackageFormat);
    }

    [Theory]
    [InlineData("debian 10", "ID=debian\nVERSION_ID=\"10\"", true)]
    [InlineData("debian 7 before table", "ID=debian\nVERSION_ID=\"7\"", true)]
    [InlineData("alpine 3.5 before table", "ID=alpine\nVERSION_ID=3.5.2", true)]
    [InlineData("ubuntu 18.04", "ID=ubuntu\nVERSION_ID=\"18.04\"", true)]
    [InlineData("centos 8", "NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"8\"", true)]
    [InlineData("centos stream 9", "NAME=\"CentOS Stream\"\nID=\"centos\"\nVERSION_ID=\"9\"", false)]
    [InlineData("debian 12", "ID=debian\nVERSION_ID=\"12\"", false)]
    [InlineData("ubuntu 24.04", "ID=ubuntu\nVERSION_ID=\"24.04\"", false)]
    [InlineData("wolfi", "ID=wolfi\nVERSION_ID=\"20230201\"", false)]
    [InlineData("unknown release", "ID=fedora\nVERSION_ID=99", false)]
    public void IsEndOfLife_OnFixedDay(string name, string osRelease, bool expected)
    {
        var distro = Detect(("/etc/os-release", osRelease));

        Assert.True(expected == distro.IsEndOfLife(new DateOnly(2026, 12, 4)), name);
    }

    [Theory]
    [InlineData("alpine-release", "/etc/alpine-release", "3.16.2\n", "alpine:3.16")]
    [InlineData("debian_version", "/etc/debian_version", "9.13\n", "debian:9")]
    [InlineData("debian_version sid", "/etc/debian_version", "buster/sid\n", "debian:testing")]
    [InlineData("lsb-release", "/etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\n", "ubuntu:14.04")]
    [InlineData("centos-release", "/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos:7")]
    [InlineData("redhat-release", "/etc/redhat-release", "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n", "redhat:6")]
    [InlineData("system-release", "/etc/system-release", "Amazon Linux AMI release 2018.03\n", "amazon:1")]
    [InlineData("SuSE-release", "/etc/SuSE-release", "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 5\n", "sles:12.5")]
    public void Detect_LegacyReleaseFile(string name, string path, string text, string expectedNamespace)
    {
        var distro = Detect((path, text));

        Assert.True(expectedNamespace == distro.Namespace, $"{name}: {distro.Namespace}");
        Assert.Contains(path, distro.Sources);
    }

    [Fact]
    public void Detect_NothingFound()
    {
        Assert.Null(DistroDetector.Detect(_ => null));
    }

    [Fact]
    public void Detect_OsReleaseWithoutIdFallsBack()
    {
        var distro = Detect(("/etc/os-release", "NAME=broken\n"), ("/etc/alpine-release", "3.18.4\n"));

        Assert.Equal("alpine:3.18", distro.Namespace);
    }

    [Fact]
    public void Detect_CorruptLinesAreWarnings()
    {
        var distro = Detect(("/etc/os-release", "ID=debian\nVERSION_ID=\"12\nthis is junk\n"));

        Assert.Equal(2, distro.Warnings.Count);
        Assert.Equal("unknown", distro.Release);
    }

    [Fact]
    public void Detect_BinaryOsReleaseRaises()
    {
        var error = Assert.Throws<InvalidDataException>(() => Detect(("/etc/os-release", "\u007fELF\0\0\0")));

        Assert.Contains("/etc/os-release", error.Message, StringComparison.Ordinal);
    }
}
