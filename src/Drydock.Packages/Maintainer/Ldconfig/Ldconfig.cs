using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Packages.Maintainer.Ldconfig;

/// <summary>
/// Makes natively what <c>ldconfig</c> of glibc 2.36 makes in a root: <c>/etc/ld.so.cache</c>
/// from the libraries in the directories of /etc/ld.so.conf and the trusted directories, and the
/// SONAME links it creates where a library has none.
/// </summary>
/// <remarks>
/// NOTE: glibc-hwcaps subdirectories and legacy hwcap subdirectories (such as tls/) are not
/// searched, so a root that ships optimised library variants there gets a cache without them.
/// NOTE: only little-endian x86-64 (with i386 and x32 libraries) and arm64 roots are handled,
/// the architectures Drydock builds images for.
/// </remarks>
internal static partial class Ldconfig
{
    public const string CachePath = "/etc/ld.so.cache";

    private static readonly Dictionary<ushort, (string Triplet, string Loader)> _architectures = new()
    {
        [ElfLibrary.MachineX8664] = ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
        [ElfLibrary.MachineAarch64] = ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
    };

    /// <summary>
    /// Returns true when the root has a glibc dynamic loader, the sign that ldconfig's cache matters.
    /// </summary>
    public static bool HasDynamicLoader(IRootTree root) =>
        _architectures.Values.Any(a => root.ResolvePath($"/lib/{a.Triplet}/{a.Loader}") is not null
            || root.ResolvePath($"/usr/lib/{a.Triplet}/{a.Loader}") is not null);

    /// <summary>Computes the cache and links; returns no change when the root has no glibc loader.</summary>
    public static MaintainerResult Run(IRootTree root, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var diagnostics = new List<MaintainerDiagnostic>();
        if (FindArchitecture(root) is not { } architecture)
        {
            return new MaintainerResult([], diagnostics);
        }

        var (machine, triplet, loader) = architecture;
        var entries = new List<CacheEntry>();
        var changes = new List<RootChange>();
        foreach (var (path, resolved) in Directories(root, triplet, diagnostics))
        {
            ScanDirectory(root, path, resolved, machine, loader, entries, changes, diagnostics);
        }

        var generator = Generator(root);
        changes.Add(RootChange.File(CachePath, LdSoCacheWriter.Write(LdSoCacheWriter.Sort(entries), generator)));
        foreach (var diagnostic in diagnostics)
        {
            LogDiagnostic(logger, diagnostic.Path, diagnostic.Message);
        }

        return new MaintainerResult(changes, diagnostics);
    }

    private static (ushort Machine, string Triplet, string Loader)? FindArchitecture(IRootTree root)
    {
        foreach (var (machine, (triplet, loader)) in _architectures)
        {
            if (root.ResolvePath($"/usr/lib/{triplet}/{loader}") is not null
                || root.ResolvePath($"/lib/{triplet}/{loader}") is not null)
            {
                return (machine, triplet, loader);
            }
        }

        return null;
    }

    // The configured directories, then the trusted ones Debian's ldconfig adds; a directory that
    // resolves to one already listed is dropped (ldconfig compares device and inode).
    private static List<(string Path, string Resolved)> Directories(
        IRootTree root, string triplet, List<MaintainerDiagnostic> diagnostics)
    {
        var configured = LdSoConf.ReadDirectories(root, diagnostics);
        configured.AddRange([$"/lib/{triplet}", $"/usr/lib/{triplet}", "/lib", "/usr/lib"]);
        var result = new List<(string, string)>();
        foreach (var path in configured)
        {
            if (root.ResolvePath(path) is { } resolved && root.KindOf(resolved) is RootNodeKind.Directory or null
                && result.All(r => r.Item2 != resolved))
            {
                result.Add((path, resolved));
            }
        }

        return result;
    }

    private static void ScanDirectory(
        IRootTree root,
        string path,
        string resolved,
        ushort machine,
        string loader,
        List<CacheEntry> entries,
        List<RootChange> changes,
        List<MaintainerDiagnostic> diagnostics)
    {
        var libraries = new List<Library>();
        foreach (var child in root.List(resolved))
        {
            var name = child[(child.LastIndexOf('/') + 1)..];
            if (!IsLibraryName(name) || name.EndsWith(".#prelink#", StringComparison.Ordinal)
                || Regex.IsMatch(name, @"\.#prelink#\.......$"))
            {
                continue;
            }

            var library = ReadLibrary(root, $"{resolved}/{name}", $"{path}/{name}", name, machine, diagnostics);
            if (library is not null)
            {
                Keep(libraries, library);
            }
        }

        // search_dir builds its list by prepending, so the cache gets the directory's libraries in
        // reverse order; only equal sonames from other directories depend on it.
        for (var i = libraries.Count - 1; i >= 0; i--)
        {
            var library = libraries[i];
            // Debian's ldconfig makes no link for the dynamic loader ("is the dynamic linker, ignoring").
            if (!library.IsLink && library.Soname != loader && SonameLink(root, resolved, library) is { } link)
            {
                changes.Add(link);
            }

            entries.Add(new CacheEntry(library.Soname, $"{path}/{library.Soname}", library.Flags));
        }
    }

    private static Library? ReadLibrary(
        IRootTree root,
        string file,
        string shownPath,
        string name,
        ushort machine,
        List<MaintainerDiagnostic> diagnostics)
    {
        var kind = root.KindOf(file);
        var isLink = kind == RootNodeKind.Symlink;
        var target = isLink ? root.ResolvePath(file) : file;
        if (target is null || (kind != RootNodeKind.File && !isLink) || root.KindOf(target) != RootNodeKind.File)
        {
            return null;
        }

        var content = ReadAll(root, target);
        if (ElfLibrary.Read(content, machine, out var reason) is not { } elf)
        {
            if (reason is not null)
            {
                diagnostics.Add(new MaintainerDiagnostic(shownPath, reason));
            }

            return null;
        }

        var soname = elf.Soname ?? ImplicitSoname(name);
        // A link that is neither the soname nor the linker's .so link counts as a library file.
        if (isLink && name != soname
            && (!name.EndsWith(".so", StringComparison.Ordinal) || !soname.StartsWith(name, StringComparison.Ordinal)))
        {
            isLink = false;
        }

        return new Library(name, isLink ? name : soname, elf.Flags, isLink);
    }

    // Within one directory one library per soname: a file wins over a link, then the higher name.
    private static void Keep(List<Library> libraries, Library library)
    {
        var index = libraries.FindIndex(l => l.Soname == library.Soname);
        if (index < 0)
        {
            libraries.Add(library);
            return;
        }

        var kept = libraries[index];
        if ((!library.IsLink && kept.IsLink)
            || (library.IsLink == kept.IsLink && LdSoCacheWriter.CompareLibraryNames(kept.Name, library.Name) < 0))
        {
            libraries[index] = library with { Soname = kept.Soname, Flags = kept.Flags };
        }
    }

    // create_links: soname -> file name, unless the soname already names the same file or is a
    // file of its own.
    private static RootChange? SonameLink(IRootTree root, string directory, Library library)
    {
        if (library.Soname == library.Name)
        {
            return null;
        }

        var sonamePath = $"{directory}/{library.Soname}";
        var existing = root.ResolvePath(sonamePath);
        if (existing is not null && (existing == root.ResolvePath($"{directory}/{library.Name}")
            || root.KindOf(sonamePath) != RootNodeKind.Symlink))
        {
            return null;
        }

        return RootChange.Symlink(sonamePath, library.Name);
    }

    // implicit_soname: the file name cut after the major version ("libx.so.1.2" -> "libx.so.1").
    private static string ImplicitSoname(string name)
    {
        var major = name.IndexOf(".so.", StringComparison.Ordinal);
        var dot = major < 0 ? -1 : name.IndexOf('.', major + 4);
        return dot < 0 ? name : name[..dot];
    }

    // _dl_is_dso: names starting with "lib" or "ld-" that contain ".so".
    private static bool IsLibraryName(string name) =>
        (name.StartsWith("lib", StringComparison.Ordinal) || name.StartsWith("ld-", StringComparison.Ordinal))
        && name.Contains(".so", StringComparison.Ordinal);

    // The cache records the ldconfig that wrote it; the root's own binary names its version.
    private static string Generator(IRootTree root)
    {
        foreach (var path in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (root.ResolvePath(path) is { } resolved && root.KindOf(resolved) == RootNodeKind.File)
            {
                var text = Encoding.Latin1.GetString(ReadAll(root, resolved));
                var match = Regex.Match(text, @"ldconfig \([^\x00]{1,80}\) [a-z]+ release version [0-9.]+");
                if (match.Success)
                {
                    return match.Value;
                }
            }
        }

        // NOTE: without an ldconfig binary (distroless roots) the text is built from the
        // libc6 version, as Debian's build sets PKGVERSION; other distributions differ.
        var version = LibcVersion(root) ?? "unknown";
        var upstream = version.Split('-')[0];
        return $"ldconfig (Debian GLIBC {version}) stable release version {upstream}";
    }

    private static string? LibcVersion(IRootTree root)
    {
        foreach (var path in new[] { "/var/lib/dpkg/status", "/var/lib/dpkg/status.d/libc6" })
        {
            if (root.OpenRead(path) is not { } stream)
            {
                continue;
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            var match = Regex.Match(reader.ReadToEnd(), @"(?m)^Package: libc6\n(?:[^\n]+\n)*?Version: ([^\n]+)");
            if (match.Success)
            {
                return match.Groups[1].Value.Trim();
            }
        }

        return null;
    }

    private static byte[] ReadAll(IRootTree root, string path)
    {
        using var stream = root.OpenRead(path);
        if (stream is null)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ldconfig: {Path}: {Reason}")]
    private static partial void LogDiagnostic(ILogger logger, string path, string reason);

    private sealed record Library(string Name, string Soname, int Flags, bool IsLink);
}
