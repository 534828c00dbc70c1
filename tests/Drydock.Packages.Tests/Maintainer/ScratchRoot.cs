using System.Security.Cryptography;
using Drydock.Packages.Maintainer;
using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Maintainer;

/// <summary>
/// A writable copy of a real root file system in a temporary directory, so that a test can run
/// the real maintainer tools in a chroot and compare their result with Drydock's changes.
/// </summary>
internal sealed class ScratchRoot : IDisposable
{
    public ScratchRoot(string source)
    {
        Path = Directory.CreateTempSubdirectory("drydock-scratch-").FullName;
        var (exitCode, errors) = DebianRootfs.Run("cp", "-a", source + "/.", Path);
        if (exitCode != 0)
        {
            throw new IOException($"Copying '{source}' failed: {errors}");
        }
    }

    public string Path { get; }

    public IRootTree Tree => new DirectoryRootTree(Path);

    public string Host(string absolutePath) => Path + absolutePath;

    public void Write(string absolutePath, byte[] content)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Host(absolutePath))!);
        File.WriteAllBytes(Host(absolutePath), content);
    }

    /// <summary>Runs a command inside the root with chroot(8) in the C locale and returns its output.</summary>
    public string Chroot(params string[] command)
    {
        var (exitCode, output, errors) = DebianRootfs.Capture(
            "env", ["-i", "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "chroot", Path, .. command]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', command)}' failed with {exitCode}: {errors}");
        }

        return output + errors;
    }

    /// <summary>
    /// Describes every node under a directory: a link by its target, a file by its SHA-256 and a
    /// directory by its name, keyed by absolute path inside the root.
    /// </summary>
    public SortedDictionary<string, string> Describe(string directory)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        DescribeInto(Host(directory), result);
        return result;
    }

    private void DescribeInto(string hostDirectory, SortedDictionary<string, string> result)
    {
        foreach (var host in Directory.EnumerateFileSystemEntries(hostDirectory))
        {
            var info = new FileInfo(host);
            var path = host[Path.Length..];
            if (info.LinkTarget is { } target)
            {
                result[path] = "-> " + target;
            }
            else if (Directory.Exists(host))
            {
                result[path] = "directory";
                DescribeInto(host, result);
            }
            else
            {
                result[path] = "sha256 " + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(host)));
            }
        }
    }

    /// <summary>Applies changes to a description made by <see cref="Describe"/>.</summary>
    public static SortedDictionary<string, string> Apply(
        SortedDictionary<string, string> description, IEnumerable<RootChange> changes)
    {
        var result = new SortedDictionary<string, string>(description, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            _ = change.Kind switch
            {
                RootChangeKind.Remove => result.Remove(change.Path),
                RootChangeKind.CreateSymlink => Set(result, change.Path, "-> " + change.LinkTarget),
                _ => Set(result, change.Path, "sha256 " + Convert.ToHexStringLower(SHA256.HashData(change.Content!))),
            };
        }

        return result;
    }

    private static bool Set(SortedDictionary<string, string> description, string path, string value)
    {
        description[path] = value;
        return true;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
