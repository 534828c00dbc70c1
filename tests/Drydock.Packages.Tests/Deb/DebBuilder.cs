using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Drydock.Packages.Tests.Deb;

/// <summary>Writes small .deb files, well-formed or deliberately broken, for corrupt-input tests.</summary>
internal static class DebBuilder
{
    public const string Control = "Package: sample\nVersion: 1.0-1\nArchitecture: all\nMaintainer: A <a@example.org>\n" +
        "Description: sample\n";

    /// <summary>Returns the bytes of an ar archive with the given members.</summary>
    public static byte[] Ar(params (string Name, byte[] Data)[] members)
    {
        using var output = new MemoryStream();
        output.Write("!<arch>\n"u8);
        foreach (var (name, data) in members)
        {
            var header = $"{name,-16}{"0",-12}{"0",-6}{"0",-6}{"100644",-8}{data.Length,-10}`\n";
            output.Write(Encoding.ASCII.GetBytes(header));
            output.Write(data);
            if (data.Length % 2 == 1)
            {
                output.WriteByte((byte)'\n');
            }
        }

        return output.ToArray();
    }

    /// <summary>Returns a gzip-compressed tar of the entries; a null text makes a directory.</summary>
    public static byte[] TarGz(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Gnu))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    public static TarEntry File(string name, string text) =>
        new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };

    public static TarEntry Directory(string name) => new GnuTarEntry(TarEntryType.Directory, name);

    public static TarEntry Link(TarEntryType type, string name, string target) =>
        new GnuTarEntry(type, name) { LinkName = target };

    /// <summary>Returns a complete .deb whose data.tar.gz contains the entries.</summary>
    public static byte[] Deb(params TarEntry[] dataEntries) => Ar(
        ("debian-binary", "2.0\n"u8.ToArray()),
        ("control.tar.gz", TarGz(File("./control", Control))),
        ("data.tar.gz", TarGz(dataEntries)));
}
