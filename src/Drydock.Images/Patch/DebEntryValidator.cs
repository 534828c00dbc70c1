using System.Formats.Tar;
using Drydock.Oci.Layers;

namespace Drydock.Images.Patch;

/// <summary>
/// Checks the data.tar entries of a package before the patch plans anything from them, so
/// that a hostile or unusual package fails the patch instead of giving a layer that Drydock's
/// own reader rejects or that extractors unpack differently.
/// </summary>
internal static class DebEntryValidator
{
    /// <summary>Longest name or link target accepted, the limit Drydock's layer reader applies.</summary>
    private static readonly int _maxPathLength = LayerLimits.Default.MaxPathLength;

    /// <summary>Checks every entry of <paramref name="deb"/>, the package <paramref name="package"/>.</summary>
    /// <exception cref="InvalidDataException">An entry has a name, type or link no layer can carry.</exception>
    /// <exception cref="IOException">A name or link target climbs out of the root.</exception>
    public static void Validate(DebFile deb, string package)
    {
        var types = new Dictionary<string, TarEntryType>(StringComparer.Ordinal);
        foreach (var entry in deb.Data.Where(e => e.Path.Length > 0))
        {
            CheckName(entry.Path, entry.Path, package);
            CheckType(entry, package);
            CheckLink(entry, types, package);
            if (types.TryGetValue(entry.Path, out var earlier)
                && !(earlier == TarEntryType.Directory && entry.Type == TarEntryType.Directory))
            {
                throw new InvalidDataException(
                    $"The package '{package}' has two entries for '/{entry.Path}', so what it installs there "
                    + "depends on the unpacker. Use a correctly built package.");
            }

            types[entry.Path] = entry.Type;
        }

        CheckNothingBelowNonDirectories(types, package);
    }

    /// <summary>
    /// Checks a name or link target: no <c>..</c> component, no control character (a newline
    /// breaks the PAX record that carries a long name), nothing that did not decode from UTF-8
    /// and so cannot be written back as the package spelled it, and no whiteout name.
    /// </summary>
    public static void CheckName(string path, string value, string package)
    {
        if (value.Split('/').Contains(".."))
        {
            throw new IOException(
                $"The entry '/{path}' of the package '{package}' names '{value}', which climbs out of the root "
                + "with '..'. Use a correctly built package.");
        }

        var bad = value.FirstOrDefault(c => char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD');
        if (bad != default || value.Length > _maxPathLength)
        {
            var reason = bad == default
                ? $"is longer than {_maxPathLength} characters"
                : $"contains the character U+{(int)bad:X4}";
            throw new InvalidDataException(
                $"The entry '/{Printable(path)}' of the package '{package}' names '{Printable(value)}', which "
                + $"{reason}, so the patch layer could not carry it. Use a correctly built package.");
        }

        // OCI image spec v1.1, layer.md: a name starting with ".wh." deletes a file in a lower
        // layer, so a package file of that name would act as a whiteout.
        if (value.Split('/').Any(part => part.StartsWith(".wh.", StringComparison.Ordinal)))
        {
            throw new InvalidDataException(
                $"The entry '/{path}' of the package '{package}' names '{value}', which an image layer reads as "
                + "a whiteout. Use a correctly built package.");
        }
    }

    /// <summary>Returns the value with control characters shown as <c>\xNN</c>, for messages.</summary>
    public static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    // Debian Policy 4.6.2, section 10.6: packages must not include device files or named pipes.
    private static void CheckType(DebEntry entry, string package)
    {
        if (entry.Type is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory
            or TarEntryType.SymbolicLink or TarEntryType.HardLink))
        {
            throw new InvalidDataException(
                $"The entry '/{entry.Path}' of the package '{package}' has the type '{entry.Type}'; packages may "
                + "hold only files, directories and links (Debian Policy 10.6). Use a correctly built package.");
        }
    }

    private static void CheckLink(DebEntry entry, Dictionary<string, TarEntryType> types, string package)
    {
        if (entry.Type == TarEntryType.SymbolicLink)
        {
            var target = entry.LinkTarget ?? "";
            if (target.Length == 0)
            {
                throw new InvalidDataException(
                    $"The symlink '/{entry.Path}' of the package '{package}' has an empty target. "
                    + "Use a correctly built package.");
            }

            CheckSymlinkTarget(entry.Path, target, package);
        }
        else if (entry.Type == TarEntryType.HardLink)
        {
            // dpkg-deb writes a hard link after the file it links to. A link to anything else
            // would point at a file of the image, which a layer cannot name portably.
            var target = RootPaths.Normalise(entry.LinkTarget ?? "");
            CheckName(entry.Path, entry.LinkTarget ?? "", package);
            if (!types.TryGetValue(target, out var type)
                || type is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                throw new InvalidDataException(
                    $"The hard link '/{entry.Path}' of the package '{package}' points to '{entry.LinkTarget}', "
                    + "which is not a regular file earlier in the package. Use a correctly built package.");
            }
        }
    }

    /// <summary>
    /// Checks a symlink target: printable, and when relative, inside the root at every step
    /// from the symlink's directory, as Drydock's layer reader requires.
    /// </summary>
    public static void CheckSymlinkTarget(string path, string target, string package)
    {
        var bad = target.FirstOrDefault(c => char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD');
        if (bad != default || target.Length > _maxPathLength)
        {
            throw new InvalidDataException(
                $"The symlink '/{path}' of the package '{package}' points to '{Printable(target)}', which the "
                + "patch layer could not carry. Use a correctly built package.");
        }

        if (!EntryPaths.SymlinkStaysInside(path, target))
        {
            throw new IOException(
                $"The symlink '/{path}' of the package '{package}' points to '{target}', which climbs out of "
                + "the root. Use a correctly built package.");
        }
    }

    // dpkg 1.21 unpacks each entry at its own path, so a file below a symlink the same package
    // ships fails with "unable to create" (or lands wherever the symlink points), and a layer
    // with both means something different to each extractor.
    private static void CheckNothingBelowNonDirectories(Dictionary<string, TarEntryType> types, string package)
    {
        foreach (var path in types.Keys)
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                if (types.TryGetValue(path[..slash], out var type) && type != TarEntryType.Directory)
                {
                    throw new InvalidDataException(
                        $"The package '{package}' has the entry '/{path}' below '/{path[..slash]}', which it ships "
                        + $"as a {Describe(type)}, so dpkg cannot unpack it. Use a correctly built package.");
                }
            }
        }
    }

    /// <summary>Returns the word for an entry type in messages.</summary>
    public static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.SymbolicLink => "symlink",
        TarEntryType.HardLink => "hard link",
        TarEntryType.Directory => "directory",
        _ => "file",
    };
}
