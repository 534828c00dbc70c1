using System.Text;
using Drydock.Images.Build;
using Drydock.Oci.Layers;
using Drydock.Oci.Writing;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Build;

public sealed class PaxHeaderNamesTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public async Task Normalize_RemovesTheProcessId()
    {
        await WriteTarAsync();

        PaxHeaderNames.Normalize(_path);

        var text = Encoding.ASCII.GetString(File.ReadAllBytes(_path));
        Assert.Contains("PaxHeaders.0/", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}/", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Normalize_KeepsTheTarReadable()
    {
        await WriteTarAsync();

        PaxHeaderNames.Normalize(_path);

        Assert.Equal("etc/\netc/passwd\n", ToolRunner.Run("tar", ["-tf", _path]));
    }

    [Fact]
    public void Normalize_RejectsANonOctalSize()
    {
        var header = new byte[1024];
        Encoding.ASCII.GetBytes("file", header);
        Encoding.ASCII.GetBytes("9zz\0", header.AsSpan(124));
        File.WriteAllBytes(_path, header);

        var error = Assert.Throws<InvalidDataException>(() => PaxHeaderNames.Normalize(_path));

        Assert.Contains("'9zz'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);

    private async Task WriteTarAsync()
    {
        var layer = new LayerBuilder(DateTimeOffset.UnixEpoch).AddFile("etc/passwd", "root:x:0:0::/root:/bin/sh\n"u8.ToArray());
        await using var file = File.Create(_path);
        await layer.WriteAsync(file, LayerCompression.None, TestContext.Current.CancellationToken);
    }
}
