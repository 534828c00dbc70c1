using System.IO.Compression;
using Drydock.Packages.Apt;
using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>
/// Repositories and source lists that try to exhaust memory, skip signature checks or hide
/// packages: each is refused or reported.
/// </summary>
public sealed class HostileRepositoryTests(TrustKeysFixture keys) : IClassFixture<TrustKeysFixture>
{
    [Theory]
    [InlineData("Packages.xz")]
    [InlineData("Packages.gz")]
    public async Task CompressionBomb_Rejected(string form)
    {
        using var repo = new ServedRepository();
        var index = repo.Repository.IndexDirectory(ServedRepository.Suite);
        foreach (var file in new[] { "Packages", "Packages.gz", "Packages.xz" })
        {
            File.Delete(Path.Combine(index, file));
        }

        WriteZeros(Path.Combine(index, form), 64L << 20);
        repo.Repository.WriteRelease(repo.Spec);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);
        var options = new AptOptions { MaxIndexSize = 16L << 20 };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring), options));

        Assert.Contains(form, error.Message, StringComparison.Ordinal);
        Assert.Contains("16 MiB", error.Message, StringComparison.Ordinal);
    }

    // Zeros compress about a thousandfold, the shape of a compression bomb; xz -0 keeps it fast.
    private static void WriteZeros(string path, long length)
    {
        if (path.EndsWith(".xz", StringComparison.Ordinal))
        {
            var plain = path[..^3];
            using (var file = File.Create(plain))
            {
                file.SetLength(length);
            }

            ToolRunner.Run("xz", ["-0", "-T1", plain]);
            return;
        }

        using var output = File.Create(path);
        using var gzip = new GZipStream(output, CompressionLevel.Optimal);
        var zeros = new byte[1 << 20];
        for (long written = 0; written < length; written += zeros.Length)
        {
            gzip.Write(zeros);
        }
    }
}
