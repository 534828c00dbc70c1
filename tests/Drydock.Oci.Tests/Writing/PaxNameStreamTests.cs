using System.Text;
using Drydock.Oci.Layers;
using Drydock.Oci.Writing;
using Drydock.Testing.Apt;

namespace Drydock.Oci.Tests.Writing;

public sealed class PaxNameStreamTests : IDisposable
{
    private static readonly string _longName = "usr/share/" + new string('d', 120) + "/file";

    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public async Task LayerBuilder_WritesNoProcessId()
    {
        var text = Encoding.ASCII.GetString(await WriteTarAsync());

        Assert.Contains("PaxHeaders.0/", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}/", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LayerBuilder_TarStaysReadable()
    {
        File.WriteAllBytes(_path, await WriteTarAsync());

        var listing = ToolRunner.Run("tar", ["-tvf", _path]);

        Assert.Contains(_longName, listing, StringComparison.Ordinal);
        Assert.Contains(" 1000 ", listing, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_RenamesAnExtendedHeaderOfAnotherProcess()
    {
        var tar = ExtendedHeader("etc/PaxHeaders.48213/passwd", "path=etc/passwd\n");

        var output = ThroughStream(tar, chunk: 7);

        Assert.StartsWith("etc/PaxHeaders.0/passwd\0", Encoding.ASCII.GetString(output, 0, 100), StringComparison.Ordinal);
        Assert.Equal(tar.AsSpan(512).ToArray(), output.AsSpan(512).ToArray());
        Assert.Equal(Checksum(output), Encoding.ASCII.GetString(output, 148, 6));
    }

    [Fact]
    public async Task Write_PassesANormalizedTarUnchanged_InAnyChunkSize()
    {
        var tar = await WriteTarAsync();

        Assert.Equal(tar, ThroughStream(tar, chunk: 1));
        Assert.Equal(tar, ThroughStream(tar, chunk: 513));
    }

    [Fact]
    public void Write_LeavesFileContentThatLooksLikeAHeader()
    {
        var content = ExtendedHeader("etc/PaxHeaders.9/x", "");
        var tar = new byte[512 + content.Length + 1024];
        Encoding.ASCII.GetBytes("data.bin", tar);
        Encoding.ASCII.GetBytes(Convert.ToString(content.Length, 8).PadLeft(11, '0') + "\0", tar.AsSpan(124));
        tar[156] = (byte)'0';
        content.CopyTo(tar, 512);

        Assert.Equal(tar, ThroughStream(tar, chunk: 100));
    }

    public void Dispose() => File.Delete(_path);

    private static byte[] ThroughStream(byte[] tar, int chunk)
    {
        using var output = new MemoryStream();
        using (var stream = new PaxNameStream(output))
        {
            for (var offset = 0; offset < tar.Length; offset += chunk)
            {
                stream.Write(tar, offset, Math.Min(chunk, tar.Length - offset));
            }
        }

        return output.ToArray();
    }

    private static byte[] ExtendedHeader(string name, string records)
    {
        var data = Encoding.ASCII.GetBytes(records);
        var tar = new byte[512 + ((data.Length + 511) / 512 * 512)];
        Encoding.ASCII.GetBytes(name, tar);
        Encoding.ASCII.GetBytes(Convert.ToString(data.Length, 8).PadLeft(11, '0') + "\0", tar.AsSpan(124));
        tar[156] = (byte)'x';
        data.CopyTo(tar, 512);
        return tar;
    }

    private static string Checksum(byte[] block)
    {
        var header = block.AsSpan(0, 512).ToArray();
        header.AsSpan(148, 8).Fill((byte)' ');
        return Convert.ToString(header.Sum(b => b), 8).PadLeft(6, '0');
    }

    private static async Task<byte[]> WriteTarAsync()
    {
        var layer = new LayerBuilder(DateTimeOffset.UnixEpoch)
            .AddFile("etc/passwd", "root:x:0:0::/root:/bin/sh\n"u8.ToArray())
            .AddFile(_longName, new byte[1000], uid: 3_000_000, gid: 3_000_000);
        using var output = new MemoryStream();
        await layer.WriteAsync(output, LayerCompression.None, TestContext.Current.CancellationToken);
        return output.ToArray();
    }
}
