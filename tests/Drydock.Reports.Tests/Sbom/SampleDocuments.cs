using Drydock.Images.Inventory;
using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Packages.Inventory;
using Drydock.Packages.Versions;
using Drydock.Reports.Sbom;

namespace Drydock.Reports.Tests.Sbom;

/// <summary>SBOM documents with packages of every type and the awkward fields each one has.</summary>
internal static class SampleDocuments
{
    public static readonly DateTimeOffset Time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly SbomDistro Bookworm = new("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)");

    public static ImageLayer Layer(int index) => new("registry.test/app:1", index, new Descriptor
    {
        MediaType = MediaTypes.OciLayerGzip,
        Digest = Digest.Compute([(byte)index, 1]),
        Size = 100 + index,
    }, Digest.Compute([(byte)index]));

    public static InstalledPackage Deb(string name, string version, string arch = "amd64",
        string? source = null, string? sourceVersion = null) => new()
        {
            Type = PackageType.Deb,
            Name = name,
            Version = version,
            Architecture = arch,
            SourceName = source ?? name,
            SourceVersion = sourceVersion ?? version,
            Maintainer = "Debian Maintainers <maint@lists.debian.org>",
            InstalledSize = 1024,
            Database = "/var/lib/dpkg/status",
            Dpkg = new DpkgPackageDetails("install ok installed", null)
            {
                ParsedVersion = DebianVersion.Parse(version),
                ParsedSourceVersion = DebianVersion.Parse(sourceVersion ?? version),
            },
        };

    public static InstalledPackage Apk(string name, string version, string origin) => new()
    {
        Type = PackageType.Apk,
        Name = name,
        Version = version,
        Architecture = "x86_64",
        SourceName = origin,
        SourceVersion = version,
        License = "MIT AND BSD-2-Clause",
        Database = "/lib/apk/db/installed",
        Apk = new ApkPackageDetails("Q1abc=", "deadbeef", 1700000000)
        {
            ParsedVersion = ApkVersion.Parse(version),
        },
    };

    public static InstalledPackage Rpm(string name, int? epoch, string version, string release) => new()
    {
        Type = PackageType.Rpm,
        Name = name,
        Version = epoch is null ? $"{version}-{release}" : $"{epoch}:{version}-{release}",
        Architecture = "x86_64",
        SourceName = name,
        SourceVersion = version,
        License = "GPLv2+",
        Database = "/var/lib/rpm/rpmdb.sqlite",
        Rpm = new RpmPackageDetails
        {
            Epoch = epoch,
            ParsedVersion = RpmVersion.Parse(epoch is null ? $"{version}-{release}" : $"{epoch}:{version}-{release}"),
            Version = version,
            Release = release,
            SourceRpm = $"{name}-{version}-{release}.src.rpm",
            SourceRelease = release,
        },
    };

    public static SbomDocument Document(SbomDistro? distro, params InstalledPackage[] packages)
    {
        var layers = new[] { Layer(0), Layer(1) };
        var items = packages
            .Select((package, i) => new ImagePackage(package, i % 2, layers[i % 2].DiffId))
            .ToList();
        return new SbomDocument
        {
            Image = new SbomImage("registry.test/app:1", Digest.Compute("manifest"u8), Digest.Compute("config"u8), "linux/amd64"),
            Distro = distro,
            Inventory = new ImageInventoryResult
            {
                Layers = layers,
                Packages = items,
                Diagnostics = [new PackageDiagnostic("/var/lib/dpkg/status", 42, "Stanza has no 'Version' field.")],
                Databases = ["/var/lib/dpkg/status"],
                ReleaseFiles = new Dictionary<string, string>(),
            },
            ToolVersion = "0.1.0",
            Timestamp = Time,
        };
    }

    /// <summary>A Debian document with epochs, binNMUs, multi-arch and a source that differs.</summary>
    public static SbomDocument Debian() => Document(Bookworm,
        Deb("bsdutils", "1:2.38.1-5+b1", source: "util-linux", sourceVersion: "2.38.1-5"),
        Deb("libc6", "2.36-9+deb12u9", "amd64", source: "glibc"),
        Deb("libc6", "2.36-9+deb12u9", "i386", source: "glibc"),
        Deb("base-files", "12.4+deb12u9"),
        Deb("libstdc++6", "12.2.0-14", source: "gcc-12"));

    public static SbomDocument Mixed() => Document(null,
        Deb("tzdata", "2024a-0+deb12u1", "all"),
        Apk("libcrypto3", "3.1.4-r5", "openssl"),
        Rpm("bash", null, "5.1.8", "9.el9"),
        Rpm("openssl-libs", 1, "3.0.7", "27.el9"));
}
