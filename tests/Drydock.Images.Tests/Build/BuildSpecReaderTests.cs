using Drydock.Images.Build;

namespace Drydock.Images.Tests.Build;

public sealed class BuildSpecReaderTests
{
    private const string Minimal = "release: bookworm\npackages: [libc6]\n";

    [Fact]
    public void Minimal_TakesTheDefaults()
    {
        var spec = BuildSpecReader.Parse(Minimal, "spec.yaml");

        Assert.Equal("debian", spec.Distribution);
        Assert.Equal(BuildSpec.DefaultKeyring, spec.Keyring);
        Assert.Equal(["amd64"], spec.Architectures);
        Assert.Equal(
            ["http://deb.debian.org/debian/ bookworm", "http://deb.debian.org/debian-security/ bookworm-security"],
            spec.Repositories.Select(r => $"{r.Uri} {string.Join(' ', r.Suites)}"));
        Assert.True(spec.Paths.DropDefaults);
    }

    [Fact]
    public void Full_ReadsEveryKey()
    {
        var spec = BuildSpecReader.Parse("""
            distribution: debian
            release: bookworm
            repositories:
              - uri: http://127.0.0.1:8080/debian
                suites: [bookworm, bookworm-updates]
                components: [main, contrib]
            keyring: keys/archive.gpg
            architectures: [arm64]
            packages: [libc6, ca-certificates]
            exclude: [debconf]
            users:
              - {name: nonroot, uid: 65532}
            groups:
              - {name: staff, gid: 50}
            user: nonroot
            environment: {TZ: UTC}
            entrypoint: [/usr/bin/openssl]
            cmd: [version]
            workdir: /home/nonroot
            annotations: {org.opencontainers.image.source: "https://example.invalid/repo"}
            labels: {team: base}
            paths:
              defaults: false
              drop: ["usr/share/zoneinfo/**"]
              keep: ["usr/share/zoneinfo/UTC"]
            """, "spec.yaml");

        Assert.Equal(new Uri("http://127.0.0.1:8080/debian/"), spec.Repositories.Single().Uri);
        Assert.Equal(["main", "contrib"], spec.Repositories.Single().Components);
        Assert.Equal(["debconf"], spec.Exclude);
        Assert.Equal(new SpecUser("nonroot", 65532, 65532, "/home/nonroot", "/sbin/nologin"), spec.Users.Single());
        Assert.Equal(new SpecGroup("staff", 50), spec.Groups.Single());
        Assert.Equal("UTC", spec.Environment["TZ"]);
        Assert.Equal(["version"], spec.Cmd);
        Assert.False(spec.Paths.DropDefaults);
        Assert.Equal(["usr/share/zoneinfo/UTC"], spec.Paths.Keep);
    }

    [Theory]
    [InlineData("UnknownKey", "release: bookworm\npackages: [a]\npackage: [b]\n", 3, "package")]
    [InlineData("MissingRelease", "packages: [a]\n", 1, "release")]
    [InlineData("EmptyPackages", "release: bookworm\npackages: []\n", 1, "packages")]
    [InlineData("PackagesNotList", "release: bookworm\npackages: libc6\n", 2, "libc6")]
    [InlineData("BadUid", "release: a\npackages: [a]\nusers:\n  - {name: n, uid: -1}\n", 4, "-1")]
    [InlineData("BadUri", "release: a\npackages: [a]\nrepositories:\n  - {uri: 'ftp://x', suites: [a]}\n", 4, "ftp://x")]
    [InlineData("UnknownUserKey", "release: a\npackages: [a]\nusers:\n  - {name: n, uid: 1, uuid: 2}\n", 4, "uuid")]
    [InlineData("BadDefaults", "release: a\npackages: [a]\npaths: {defaults: maybe}\n", 3, "maybe")]
    public void Malformed_NamesLineAndValue(string name, string text, int line, string value)
    {
        _ = name;

        var error = Assert.Throws<InvalidDataException>(() => BuildSpecReader.Parse(text, "spec.yaml"));

        Assert.StartsWith($"spec.yaml:{line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NameWithColon", "users:\n  - {name: 'evil:x:0:0::/:/bin/sh', uid: 5}\n", 4, "name", "evil:x:0:0::/:/bin/sh")]
    [InlineData("NameWithNewline", "users:\n  - {name: \"evil\\nx\", uid: 5}\n", 4, "name", "evil\\u000ax")]
    [InlineData("NameUpperCase", "users:\n  - {name: Admin, uid: 5}\n", 4, "name", "Admin")]
    [InlineData("NameLeadingDash", "users:\n  - {name: -x, uid: 5}\n", 4, "name", "-x")]
    [InlineData("NameTooLong", "users:\n  - {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, uid: 5}\n", 4, "name",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("GroupName", "groups:\n  - {name: 'a b', gid: 5}\n", 4, "name", "a b")]
    [InlineData("HomeRelative", "users:\n  - {name: n, uid: 5, home: home/n}\n", 4, "home", "home/n")]
    [InlineData("HomeDotDot", "users:\n  - {name: n, uid: 5, home: /home/../etc}\n", 4, "home", "/home/../etc")]
    [InlineData("HomeNewline", "users:\n  - {name: n, uid: 5, home: \"/h\\nx\"}\n", 4, "home", "/h\\u000ax")]
    [InlineData("ShellColon", "users:\n  - {name: n, uid: 5, shell: '/bin/sh:x'}\n", 4, "shell", "/bin/sh:x")]
    [InlineData("UidTooLarge", "users:\n  - {name: n, uid: 4294967296}\n", 4, "uid", "4294967296")]
    [InlineData("GidNegative", "groups:\n  - {name: g, gid: -5}\n", 4, "gid", "-5")]
    [InlineData("TwoUsers", "users:\n  - {name: n, uid: 5}\n  - {name: n, uid: 6}\n", 4, "users", "n")]
    public void MalformedAccount_IsRejected(
        string name, string accounts, int line, string key, string value)
    {
        _ = name;

        var error = Assert.Throws<InvalidDataException>(
            () => BuildSpecReader.Parse("release: a\npackages: [a]\n" + accounts, "spec.yaml"));

        Assert.StartsWith($"spec.yaml:{line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accounts_TakeSystemNames()
    {
        var spec = BuildSpecReader.Parse(
            "release: a\npackages: [a]\nusers:\n  - {name: _svc-1$, uid: 0, home: /var/lib/svc}\n", "spec.yaml");

        Assert.Equal("_svc-1$", spec.Users.Single().Name);
    }

    [Fact]
    public void DuplicateKey_NamesTheKey()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => BuildSpecReader.Parse("release: a\npackages: [a]\npackages: [b]\n", "dupkey.yaml"));

        Assert.StartsWith("dupkey.yaml:3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'packages'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NotYaml", "release: [unclosed\n")]
    [InlineData("NotMapping", "- a\n- b\n")]
    [InlineData("Empty", "")]
    [InlineData("DuplicateKey", "release: a\nrelease: b\npackages: [a]\n")]
    [InlineData("TwoDocuments", "release: a\n---\nrelease: b\n")]
    public void Corrupt_IsRefused(string name, string text)
    {
        _ = name;

        var error = Assert.Throws<InvalidDataException>(() => BuildSpecReader.Parse(text, "spec.yaml"));

        Assert.Contains("spec.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDistribution_NeedsRepositories()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => BuildSpecReader.Parse("distribution: plan9\n" + Minimal, "spec.yaml"));

        Assert.Contains("'plan9'", error.Message, StringComparison.Ordinal);
    }
}
