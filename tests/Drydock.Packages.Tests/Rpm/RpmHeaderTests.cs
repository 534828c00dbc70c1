using System.Buffers.Binary;
using Drydock.Packages.Rpm;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Tests.Rpm;

public sealed class RpmHeaderTests
{
    [Fact]
    public void Parse_ReadsTagsOfEveryKind()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.1.8", "6.el9")
            .Strings(RpmTag.DirNames, "/usr/bin/", "/etc/")
            .Int32(RpmTag.Epoch, 2)
            .Build();

        var header = RpmHeader.Parse(blob);

        Assert.Equal("bash", header.GetString(RpmTag.Name));
        Assert.Equal(["/usr/bin/", "/etc/"], header.GetStringArray(RpmTag.DirNames));
        Assert.Equal(2, header.GetInteger(RpmTag.Epoch));
        Assert.Null(header.GetString(RpmTag.License));
    }

    [Fact]
    public void Parse_PackageWithSourceRpm()
    {
        var blob = RpmHeaderBuilder.Package("bsdutils", "2.37.4", "3.el9")
            .Int32(RpmTag.Epoch, 1)
            .String(RpmTag.SourceRpm, "util-linux-2.37.4-3.el9.src.rpm")
            .Build();

        var package = RpmPackageParser.Parse(RpmHeader.Parse(blob), "/var/lib/rpm/rpmdb.sqlite", false);

        Assert.Equal("1:2.37.4-3.el9", package.Version);
        Assert.Equal("util-linux", package.SourceName);
        Assert.Equal("2.37.4", package.SourceVersion);
        Assert.Equal("3.el9", package.Rpm!.SourceRelease);
        Assert.Equal(1, package.Rpm.Epoch);
    }

    [Theory]
    [InlineData("util-linux-2.32.1-42.el8_8.src.rpm", "util-linux", "2.32.1", "42.el8_8")]
    [InlineData("kernel-5.14.0-1.el9.nosrc.rpm", "kernel", "5.14.0", "1.el9")]
    [InlineData("a-b-c-1-2.src.rpm", "a-b-c", "1", "2")]
    public void ParseSourceRpm_SplitsNameVersionRelease(string value, string name, string version, string release)
    {
        Assert.Equal((name, version, release), RpmPackageParser.ParseSourceRpm(value));
    }

    [Theory]
    [InlineData("(none)")]
    [InlineData("foo.src.rpm")]
    [InlineData("foo-1.src.rpm")]
    [InlineData("foo-1-2.rpm")]
    public void ParseSourceRpm_RejectsOtherShapes(string value)
    {
        Assert.Null(RpmPackageParser.ParseSourceRpm(value));
    }

    [Fact]
    public void Parse_NoSourceRpmDefaultsToBinary()
    {
        var blob = RpmHeaderBuilder.Package("gpg-pubkey", "fd431d51", "4ae0493b").Build();

        var package = RpmPackageParser.Parse(RpmHeader.Parse(blob), "/var/lib/rpm/Packages", false);

        Assert.Null(package.Architecture);
        Assert.Equal("gpg-pubkey", package.SourceName);
        Assert.Equal("fd431d51", package.SourceVersion);
    }

    public static TheoryData<string, byte[]> CorruptHeaders => new()
    {
        { "empty", [] },
        { "short preamble", [0, 0, 0, 1] },
        { "zero entries", Preamble(0, 0) },
        { "negative data length", Preamble(1, -1) },
        { "entry count past limit", Preamble(0x10000, 0) },
        { "entries past the end", Preamble(4, 0) },
        { "data past the end", Preamble(1, 1000).Concat(new byte[16]).ToArray() },
        { "offset past data", RpmHeaderBuilder.Package("a", "1", "1").Raw(1009, RpmTagType.Int32, 4000, 1).Build() },
        { "count past data", RpmHeaderBuilder.Package("a", "1", "1").Raw(1009, RpmTagType.Int32, 0, 1 << 30).Build() },
        { "negative offset", RpmHeaderBuilder.Package("a", "1", "1").Raw(1009, RpmTagType.Int32, -8, 1).Build() },
        { "unknown type", RpmHeaderBuilder.Package("a", "1", "1").Raw(1009, (RpmTagType)17, 0, 1).Build() },
        { "zero count", RpmHeaderBuilder.Package("a", "1", "1").Raw(1009, RpmTagType.Int32, 0, 0).Build() },
        { "string count 2", RpmHeaderBuilder.Package("a", "1", "1").Raw(1014, RpmTagType.String, 0, 2).Build() },
        { "unterminated string", Unterminated() },
        {
            "string array past data",
            RpmHeaderBuilder.Package("a", "1", "1").Raw(1117, RpmTagType.StringArray, 0, 9).Build()
        },
    };

    [Theory]
    [MemberData(nameof(CorruptHeaders))]
    public void Parse_CorruptHeaderIsInvalidData(string name, byte[] blob)
    {
        _ = name;
        Assert.Throws<InvalidDataException>(() => RpmHeader.Parse(blob));
    }

    [Theory]
    [InlineData("no name", RpmTag.Version)]
    [InlineData("no version", RpmTag.Name)]
    public void Parse_MissingIdentityIsInvalidData(string name, int onlyTag)
    {
        _ = name;
        var blob = new RpmHeaderBuilder().String(onlyTag, "x").String(RpmTag.Release, "1").Build();

        Assert.Throws<InvalidDataException>(() => RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", false));
    }

    [Theory]
    [InlineData("hyphen in version", "1.0-2", "1")]
    [InlineData("space in release", "1.0", "1 2")]
    [InlineData("empty version", "", "1")]
    public void Parse_VersionRpmRejectsIsInvalidData(string name, string version, string release)
    {
        _ = name;
        var blob = RpmHeaderBuilder.Package("a", version, release).Build();

        var error = Assert.Throws<InvalidDataException>(
            () => RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", false));

        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsedVersion_KeepsEpochAndRelease()
    {
        var blob = RpmHeaderBuilder.Package("bash", "5.1.8", "6.el9").Int32(RpmTag.Epoch, 1).Build();

        var package = RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", false);

        Assert.Equal(1u, package.Rpm!.ParsedVersion.Epoch);
        Assert.Equal("6.el9", package.Rpm.ParsedVersion.Release);
        Assert.True(package.Rpm.ParsedVersion > RpmVersion.Parse("5.1.9-1"));
    }

    [Fact]
    public void Parse_WrongTypeForTagIsInvalidData()
    {
        var blob = RpmHeaderBuilder.Package("a", "1", "1").Int32(RpmTag.Arch, 7).Build();

        var error = Assert.Throws<InvalidDataException>(
            () => RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", false));

        Assert.Contains("'1022'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EpochPastIntIsInvalidData()
    {
        var blob = RpmHeaderBuilder.Package("a", "1", "1").Int32(RpmTag.Epoch, uint.MaxValue).Build();

        Assert.Throws<InvalidDataException>(() => RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", false));
    }

    [Fact]
    public void Files_DirIndexPastDirNamesIsInvalidData()
    {
        var blob = RpmHeaderBuilder.Package("a", "1", "1")
            .Strings(RpmTag.BaseNames, "ls")
            .Strings(RpmTag.DirNames, "/usr/bin/")
            .Int32(RpmTag.DirIndexes, 5)
            .Build();

        Assert.Throws<InvalidDataException>(() => RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", true));
    }

    [Fact]
    public void Parse_FlippedBytesNeverCrash()
    {
        var original = RpmHeaderBuilder.Package("bash", "5.1.8", "6.el9")
            .Strings(RpmTag.BaseNames, "bash", "sh")
            .Strings(RpmTag.DirNames, "/usr/bin/")
            .Int32(RpmTag.DirIndexes, 0, 0)
            .Int32(RpmTag.Epoch, 1)
            .Build();
        var random = new Random(20261204);

        for (var round = 0; round < 5000; round++)
        {
            var blob = (byte[])original.Clone();
            blob[random.Next(blob.Length)] = (byte)random.Next(256);
            try
            {
                RpmPackageParser.Parse(RpmHeader.Parse(blob), "/db", true);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    private static byte[] Preamble(int entries, int dataLength)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, entries);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), dataLength);
        return bytes;
    }

    private static byte[] Unterminated()
    {
        var blob = RpmHeaderBuilder.Package("a", "1", "1").Build();
        blob[^1] = (byte)'x';
        return blob;
    }
}
