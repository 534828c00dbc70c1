using System.Text;
using Drydock.Oci.Layers;

namespace Drydock.Oci.Tests.Layers;

/// <summary>
/// A corpus of hostile layers, each built here and each with the problem and entry that the
/// reader must report.
/// </summary>
public sealed class HostileLayerTests
{
    private static readonly LayerLimits _smallLimits = new()
    {
        RatioGracePeriod = 1024 * 1024,
        MaxCompressionRatio = 100,
    };

    public sealed record Case(string Name, Func<(byte[] Blob, ImageLayer Layer)> Build,
        LayerProblem Problem, string? Entry, LayerLimits? Limits = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Corpus =>
    [
        Entry("dot-dot", new TestTar().File("../etc/passwd", "x"), LayerProblem.PathEscape, "../etc/passwd"),
        Entry("nested dot-dot", new TestTar().File("usr/../../x", "x"), LayerProblem.PathEscape, "usr/../../x"),
        Entry("absolute path", new TestTar().File("/etc/passwd", "x"), LayerProblem.PathEscape, "/etc/passwd"),
        Entry("symlink escape", new TestTar().Symlink("etc/evil", "../../etc/shadow"),
            LayerProblem.LinkEscape, "etc/evil"),
        Entry("hard link escape", new TestTar().HardLink("etc/evil", "../outside"),
            LayerProblem.LinkEscape, "etc/evil"),
        Entry("hard link absolute", new TestTar().HardLink("etc/evil", "/etc/passwd"),
            LayerProblem.LinkEscape, "etc/evil"),
        Entry("empty whiteout", new TestTar().File("etc/.wh.", ""), LayerProblem.PathEscape, "etc/.wh."),
        Entry("oversized pax header", new TestTar().File("a", "x").Raw(MetaHeader('x', 10 << 20)),
            LayerProblem.OversizedHeader, "a"),
        Entry("oversized gnu long name", new TestTar().Raw(MetaHeader('L', 2 << 20)),
            LayerProblem.OversizedHeader, null),
        Entry("bad header checksum", new TestTar().Raw(CorruptHeader()), LayerProblem.Malformed,
            "././@LongLink"),
        new Case("truncated tar", TruncatedTar, LayerProblem.Truncated, "big"),
        new Case("truncated gzip", TruncatedGzip, LayerProblem.Truncated, "big"),
        new Case("corrupt gzip data", () => CorruptGzip(matchingDigest: true), LayerProblem.Malformed, "big"),
        new Case("corrupt gzip blob", () => CorruptGzip(matchingDigest: false), LayerProblem.DigestMismatch, null),
        new Case("damaged tar header", DamagedTarHeader, LayerProblem.DigestMismatch, null),
        new Case("gzip bomb", () => Zeros(TestTar.Gzip), LayerProblem.DecompressionBomb, "zeros", _smallLimits),
        new Case("zstd bomb", () => Zeros(TestTar.Zstd), LayerProblem.DecompressionBomb, "zeros", _smallLimits),
        new Case("size cap", () => Zeros(TestTar.Gzip), LayerProblem.DecompressionBomb, "zeros",
            new LayerLimits { MaxUncompressedSize = 1024 * 1024 }),
        new Case("compressed digest", WrongDigest, LayerProblem.DigestMismatch, null),
        new Case("diff_id", WrongDiffId, LayerProblem.DigestMismatch, null),
        new Case("declared size", WrongSize, LayerProblem.DigestMismatch, null),
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Reader_rejects(Case hostile)
    {
        var (blob, layer) = hostile.Build();

        var error = Assert.Throws<LayerException>(() =>
        {
            using var reader = LayerReader.Open(new MemoryStream(blob), layer, hostile.Limits);
            while (reader.Next() is { } entry)
            {
                entry.OpenData().CopyTo(Stream.Null);
            }
        });

        Assert.Equal(hostile.Problem, error.Problem);
        Assert.Equal(hostile.Entry, error.EntryName);
        Assert.Equal("test-image", error.ImageName);
        Assert.Equal(layer.Descriptor.Digest, error.LayerDigest);
        Assert.Contains(layer.Descriptor.Digest.ToString(), error.Message, StringComparison.Ordinal);
    }

    private static Case Entry(string name, TestTar tar, LayerProblem problem, string? entry) =>
        new(name, () => Gzipped(tar.ToArray()), problem, entry);

    private static (byte[], ImageLayer) Gzipped(byte[] tar)
    {
        var blob = TestTar.Gzip(tar);
        return (blob, TestTar.Describe(blob, tar));
    }

    private static byte[] BigTar() =>
        new TestTar().File("small", "x").File("big", new string('b', 100_000)).ToArray();

    private static (byte[], ImageLayer) TruncatedTar()
    {
        var tar = BigTar()[..50_000];
        return (tar, TestTar.Describe(tar, tar, MediaTypes.OciLayer));
    }

    private static (byte[], ImageLayer) TruncatedGzip()
    {
        var tar = BigTar();
        var blob = TestTar.Gzip(tar);
        blob = blob[..(blob.Length / 2)];
        return (blob, TestTar.Describe(blob, tar));
    }

    // Random content keeps the entry's data large once compressed, so the flipped bytes land in
    // the deflate stream of 'big'. With a matching digest the layer itself is corrupt; with the
    // digest of the intact blob it is a damaged copy, reported as a digest mismatch.
    private static (byte[], ImageLayer) CorruptGzip(bool matchingDigest)
    {
        var random = new Random(7);
        var content = new string([.. Enumerable.Range(0, 100_000).Select(_ => (char)random.Next(33, 127))]);
        var tar = new TestTar().File("small", "x").File("big", content).ToArray();
        var intact = TestTar.Gzip(tar);
        var blob = intact.ToArray();
        for (var i = blob.Length / 2; i < blob.Length / 2 + 64; i++)
        {
            blob[i] ^= 0x5a;
        }

        return (blob, TestTar.Describe(matchingDigest ? blob : intact, tar));
    }

    // An uncompressed copy of BigTar whose second header was damaged after the manifest named
    // the intact blob: the header checksum fails first, but the digest is the cause to report.
    private static (byte[], ImageLayer) DamagedTarHeader()
    {
        var intact = BigTar();
        var blob = intact.ToArray();
        blob[1024] ^= 0x20;
        return (blob, TestTar.Describe(intact, intact, MediaTypes.OciLayer));
    }

    private static (byte[], ImageLayer) Zeros(Func<byte[], byte[]> compress)
    {
        var zeros = new PaxTarEntryBuilder("zeros", 16 << 20).Build();
        var tar = new TestTar().Add(zeros).ToArray();
        var blob = compress(tar);
        return (blob, TestTar.Describe(blob, tar));
    }

    private static (byte[], ImageLayer) WrongDigest()
    {
        var (blob, layer) = Gzipped(BigTar());
        var other = Digest.Compute(Encoding.UTF8.GetBytes("other"));
        return (blob, layer with { Descriptor = layer.Descriptor with { Digest = other } });
    }

    private static (byte[], ImageLayer) WrongDiffId()
    {
        var (blob, layer) = Gzipped(BigTar());
        return (blob, layer with { DiffId = Digest.Compute(Encoding.UTF8.GetBytes("other")) });
    }

    private static (byte[], ImageLayer) WrongSize()
    {
        var (blob, layer) = Gzipped(BigTar());
        return (blob, layer with { Descriptor = layer.Descriptor with { Size = blob.Length - 10 } });
    }

    // A ustar header of the given type whose size field claims more data than follows.
    private static byte[] MetaHeader(char type, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes("././@LongLink").CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        SetChecksum(header);
        return header;
    }

    private static byte[] CorruptHeader()
    {
        var header = MetaHeader('0', 0);
        header[148] = (byte)'7';
        return header;
    }

    private static void SetChecksum(byte[] header)
    {
        Array.Fill(header, (byte)' ', 148, 8);
        var sum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
    }

    private sealed class PaxTarEntryBuilder(string name, int size)
    {
        public System.Formats.Tar.PaxTarEntry Build() =>
            new(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(new byte[size]) };
    }
}
