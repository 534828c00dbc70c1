using Drydock.Reports.Sbom;
using static Drydock.Reports.Tests.Sbom.SampleDocuments;

namespace Drydock.Reports.Tests.Sbom;

public sealed class PackageUrlsTests
{
    [Fact]
    public void Deb_source_name_and_version_differ() =>
        Assert.Equal(
            "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
            PackageUrls.Build(Deb("bsdutils", "1:2.38.1-5+b1", source: "util-linux", sourceVersion: "2.38.1-5"), Bookworm));

    [Fact]
    public void Deb_source_name_only_differs() =>
        Assert.Equal(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=i386&distro=debian-12&upstream=glibc",
            PackageUrls.Build(Deb("libc6", "2.36-9+deb12u9", "i386", source: "glibc"), Bookworm));

    [Fact]
    public void Deb_own_source_has_no_upstream() =>
        Assert.Equal(
            "pkg:deb/debian/base-files@12.4?arch=amd64&distro=debian-12",
            PackageUrls.Build(Deb("base-files", "12.4"), Bookworm));

    [Fact]
    public void Deb_name_with_plus_is_encoded() =>
        Assert.Equal(
            "pkg:deb/ubuntu/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=ubuntu-22.04&upstream=gcc-12",
            PackageUrls.Build(Deb("libstdc++6", "12.2.0-14", source: "gcc-12"), new("ubuntu", "22.04", "jammy", null)));

    [Fact]
    public void Deb_testing_uses_codename() =>
        Assert.Equal(
            "pkg:deb/debian/base-files@13?arch=amd64&distro=debian-trixie",
            PackageUrls.Build(Deb("base-files", "13"), new("debian", null, "trixie", null)));

    [Fact]
    public void Apk_origin_is_not_a_qualifier() =>
        Assert.Equal(
            "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.18.4",
            PackageUrls.Build(Apk("libcrypto3", "3.1.4-r5", "openssl"), new("alpine", "3.18.4", null, null)));

    [Fact]
    public void Rpm_epoch_is_a_qualifier() =>
        Assert.Equal(
            "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.4&epoch=1",
            PackageUrls.Build(Rpm("openssl-libs", 1, "3.0.7", "27.el9"), new("rhel", "9.4", null, null)));

    [Fact]
    public void Rpm_without_epoch() =>
        Assert.Equal(
            "pkg:rpm/fedora/bash@5.2.26-3.fc40?arch=x86_64&distro=fedora-40",
            PackageUrls.Build(Rpm("bash", null, "5.2.26", "3.fc40"), new("fedora", "40", null, null)));

    [Fact]
    public void Unknown_distro_falls_back_to_type_namespace() =>
        Assert.Equal(
            "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64",
            PackageUrls.Build(Apk("libcrypto3", "3.1.4-r5", "openssl"), null));

    [Fact]
    public void BuildAll_repeated_package_gets_unique_reference()
    {
        var document = Document(Bookworm, Deb("tzdata", "2024a-0+deb12u1", "all"), Deb("tzdata", "2024a-0+deb12u1", "all"));

        var references = PackageUrls.BuildAll(document.Inventory.Packages, Bookworm);

        Assert.Equal(references[0].Purl, references[1].Purl);
        Assert.NotEqual(references[0].Reference, references[1].Reference);
    }
}
