using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>
/// The signed test archive and a chroot of the minbase root whose only source is that
/// archive, after the root's own apt has run <c>apt-get update</c> against it.
/// </summary>
public sealed class AptOracleFixture : IDisposable
{
    public const string KeyringInRoot = "/etc/apt/keyrings/drydock-test.gpg";

    private BookwormTestArchive? _archive;
    private AptOracle? _oracle;

    public BookwormTestArchive Archive => _archive ??= new BookwormTestArchive();

    public AptOracle Oracle
    {
        get
        {
            if (_oracle is null)
            {
                var oracle = new AptOracle();
                oracle.CopyFile(Archive.KeyringPath, KeyringInRoot);
                oracle.WriteFile("/etc/apt/sources.list.d/drydock-test.sources", Archive.SourcesStanza(KeyringInRoot));
                oracle.Update();
                _oracle = oracle;
            }

            return _oracle;
        }
    }

    public void Dispose()
    {
        _oracle?.Dispose();
        _archive?.Dispose();
    }
}
