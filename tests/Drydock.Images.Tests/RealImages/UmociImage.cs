using System.Text.Json;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Testing.Rootfs;

namespace Drydock.Images.Tests.RealImages;

/// <summary>
/// Real images in OCI layouts, built from an mmdebstrap root file system with umoci: the
/// root as the bottom layer and, in the layered image, a top layer that installs a package
/// with dpkg inside the root, the way <c>RUN apt-get install</c> adds one. Built once per
/// machine under <c>~/.cache/drydock-tests/images</c>.
/// </summary>
internal static class UmociImage
{
    /// <summary>The package the top layer installs: not in minbase, its dependencies all are.</summary>
    public const string AddedPackage = "less";

    private static readonly string _cacheRoot = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "images");

    /// <summary>Returns the layout directory and the root file system of the single-layer image.</summary>
    public static (string Layout, string Root) SingleLayer() => Build("bookworm-minbase-1", install: false);

    /// <summary>Returns the layout directory and the root file system of the two-layer image.</summary>
    public static (string Layout, string Root) TwoLayers() => Build("bookworm-minbase-less-2", install: true);

    /// <summary>Opens the file-system view of the layout's image tagged <c>test</c>.</summary>
    public static ImageFileSystem View(string layout)
    {
        var index = JsonSerializer.Deserialize<ImageIndex>(File.ReadAllBytes(Path.Combine(layout, "index.json")), OciJson.Options)!;
        var manifest = JsonSerializer.Deserialize<ImageManifest>(File.ReadAllBytes(Blob(layout, index.Manifests[0])), OciJson.Options)!;
        var config = JsonSerializer.Deserialize<ImageConfig>(File.ReadAllBytes(Blob(layout, manifest.Config)), OciJson.Options)!;
        var layers = manifest.Layers
            .Select((descriptor, i) => new ImageLayer(layout, i, descriptor, Oci.Digest.Parse(config.RootFs!.DiffIds[i])))
            .ToList();
        return new ImageFileSystem(layers, (layer, _) =>
            Task.FromResult(LayerReader.Open(File.OpenRead(Blob(layout, layer.Descriptor)), layer)));
    }

    private static string Blob(string layout, Descriptor descriptor) =>
        Path.Combine(layout, "blobs", descriptor.Digest.Algorithm, descriptor.Digest.Hex);

    private static (string, string) Build(string name, bool install)
    {
        var target = Path.Combine(_cacheRoot, name);
        var layout = Path.Combine(target, "layout");
        var root = Path.Combine(target, "bundle", "rootfs");
        if (File.Exists(Path.Combine(target, "done")))
        {
            return (layout, root);
        }

        var minbase = DebianRootfs.BookwormMinbase();
        Directory.CreateDirectory(_cacheRoot);
        using var guard = new FileStream(Path.Combine(_cacheRoot, name + ".lock"), FileMode.OpenOrCreate,
            FileAccess.ReadWrite, FileShare.None);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(target);
        var bundle = Path.Combine(target, "bundle");
        Run("umoci", "init", "--layout", layout);
        Run("umoci", "new", "--image", layout + ":test");
        Run("umoci", "unpack", "--image", layout + ":test", bundle);
        Run("cp", "-a", minbase + "/.", root + "/");
        Run("umoci", "repack", "--refresh-bundle", "--image", layout + ":test", bundle);
        if (install)
        {
            InstallPackage(target, root);
            Run("umoci", "repack", "--refresh-bundle", "--image", layout + ":test", bundle);
        }

        File.WriteAllText(Path.Combine(target, "done"), string.Empty);
        return (layout, root);
    }

    private static void InstallPackage(string target, string root)
    {
        var downloads = Path.Combine(target, "debs");
        Directory.CreateDirectory(downloads);
        var (exitCode, _, errors) = DebianRootfs.Capture("sh", "-c", $"cd '{downloads}' && apt-get download {AddedPackage}");
        if (exitCode != 0)
        {
            Assert.Skip($"apt-get download {AddedPackage} failed with exit code {exitCode}: {errors}");
        }

        var deb = Directory.GetFiles(downloads, "*.deb").Single();
        File.Copy(deb, Path.Combine(root, "tmp", Path.GetFileName(deb)));
        Run("chroot", root, "dpkg", "-i", "/tmp/" + Path.GetFileName(deb));
        File.Delete(Path.Combine(root, "tmp", Path.GetFileName(deb)));
    }

    private static void Run(string program, params string[] arguments)
    {
        var (exitCode, errors) = DebianRootfs.Run(program, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {exitCode}: {errors}");
        }
    }
}
