namespace Drydock.Testing.Apt;

/// <summary>
/// A Debian 12 (bookworm) minbase root made once by <c>mmdebstrap --variant=minbase</c>
/// from the machine's configured mirror and kept in <see cref="TestCache"/>.
/// </summary>
public static class MinbaseRoot
{
    private const string Mirror = "http://deb.debian.org/debian";

    /// <summary>Returns the cached root, building it first when missing; skips when that is impossible.</summary>
    public static string Require()
    {
        var root = Path.Combine(TestCache.Root, "bookworm-minbase");
        using (TestCache.Lock("bookworm-minbase"))
        {
            if (Directory.Exists(root))
            {
                return root;
            }

            if (Environment.UserName != "root" || !ToolRunner.Exists("mmdebstrap"))
            {
                Xunit.Assert.Skip("Building the bookworm minbase root needs root and mmdebstrap.");
            }

            var partial = root + ".partial";
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }

            ToolRunner.Run("mmdebstrap", ["--variant=minbase", "--mode=root", "bookworm", partial, Mirror]);
            Directory.Move(partial, root);
            return root;
        }
    }
}
