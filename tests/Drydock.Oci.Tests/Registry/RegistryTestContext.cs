using Drydock.Oci.Cache;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Tests.Registry;

/// <summary>A temporary directory, a blob cache in it and transport options with short retry delays.</summary>
internal sealed class RegistryTestContext : IDisposable
{
    private readonly DirectoryInfo _directory = System.IO.Directory.CreateTempSubdirectory("drydock-registry-test-");

    public RegistryTestContext()
    {
        Cache = new BlobCache(Path.Combine(_directory.FullName, "cache"));
        Options = new ImageTransportOptions
        {
            Cache = Cache,
            Retry = new RetryPolicy { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(20) },
            DockerConfigDirectory = Path.Combine(_directory.FullName, "docker-config"),
        };
    }

    public string Directory => _directory.FullName;

    public BlobCache Cache { get; }

    public ImageTransportOptions Options { get; }

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Returns a new empty directory inside the temporary directory.</summary>
    public string NewDirectory(string name) => System.IO.Directory.CreateDirectory(Path.Combine(Directory, name)).FullName;

    /// <summary>Copies with the context's options and a single platform unless <paramref name="copy"/> says otherwise.</summary>
    public async Task<CopyResult> CopyAsync(
        string source, string destination, CopyOptions? copy = null, ImageTransportOptions? options = null)
    {
        await using var from = ImageTransports.OpenSource(source, options ?? Options);
        await using var to = ImageTransports.OpenDestination(destination, options ?? Options);
        return await ImageCopier.CopyAsync(from, to, copy ?? new CopyOptions { Cache = Cache }, Cancellation);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
