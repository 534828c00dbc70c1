namespace Drydock.Packages.Tests.Apt;

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("drydock-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
