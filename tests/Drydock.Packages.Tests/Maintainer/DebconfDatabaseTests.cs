using System.Text;
using Drydock.Packages.Maintainer.CaCertificates;
using Drydock.Packages.Maintainer.Debconf;
using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Maintainer;

public sealed class DebconfDatabaseTests
{
    [Fact]
    public void RealDatabase_WritesBackUnchanged()
    {
        var path = DebianRootfs.BookwormCaCertificates() + DebconfDatabase.ConfigPath;
        var content = File.ReadAllBytes(path);

        var database = DebconfDatabase.Parse(content, path);

        Assert.Equal(Encoding.UTF8.GetString(content), Encoding.UTF8.GetString(database.Write()));
        Assert.NotNull(database.Find(CaCertificatesDebconf.EnabledQuestion));
    }

    [Fact]
    public void Record_ReadsFieldsOwnersFlagsAndVariables()
    {
        const string text = "Name: a/q\nTemplate: a/q\nValue: x, y\nOwners: a, b\nFlags: seen\n"
            + "Variables:\n list = x, y\n empty = \n\n";

        var item = DebconfDatabase.Parse(Encoding.UTF8.GetBytes(text)).Find("a/q")!;

        Assert.Equal("x, y", item.Fields["value"]);
        Assert.Equal(["a", "b"], item.Owners);
        Assert.Equal(["seen"], item.Flags);
        Assert.Equal("x, y", item.Variables["list"]);
        Assert.Equal("", item.Variables["empty"]);
    }

    [Fact]
    public void Write_SortsItemsAndDropsFalseFlags()
    {
        var database = DebconfDatabase.Parse(Encoding.UTF8.GetBytes("Name: b/q\nFlags: seen\n\nName: a/q\nValue: 1\n\n"));
        database.Find("b/q")!.Flags.Remove("seen");

        Assert.Equal("Name: a/q\nValue: 1\n\nName: b/q\n\n", Encoding.UTF8.GetString(database.Write()));
    }

    [Theory]
    [InlineData("Template: a/q\nValue: 1\n\n", "'Template: a/q'")]
    [InlineData("Name: a/q\nValue 1\n\n", "'Value 1'")]
    [InlineData("Name: a/q\n Value: 1\n\n", "' Value: 1'")]
    [InlineData("Name: a/q\nVariables:\n list x\n\n", "'list x'")]
    public void Malformed_RaisesInvalidData(string text, string quoted)
    {
        var error = Assert.Throws<InvalidDataException>(() => DebconfDatabase.Parse(Encoding.UTF8.GetBytes(text), "/x/config.dat"));

        Assert.Contains("'/x/config.dat'", error.Message, StringComparison.Ordinal);
        Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8_RaisesInvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => DebconfDatabase.Parse([.. "Name: a/"u8, 0xff, .. "\n\n"u8]));

        Assert.Contains($"'{DebconfDatabase.ConfigPath}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Answers_WithoutDatabase_AreDefaults()
    {
        Assert.Equal("yes", CaCertificatesDebconf.Read(null).TrustNew);
    }

    [Fact]
    public void Answers_WithoutValue_TrustNew()
    {
        var database = DebconfDatabase.Parse(Encoding.UTF8.GetBytes("Name: ca-certificates/trust_new_crts\nOwners: ca-certificates\n\n"));

        Assert.Equal("yes", CaCertificatesDebconf.Read(database).TrustNew);
    }

    [Fact]
    public void Answers_ReadStoredValues()
    {
        const string text = "Name: ca-certificates/enable_crts\nFlags: seen\nValue: a.crt\n\n"
            + "Name: ca-certificates/trust_new_crts\nValue: no\n\n";

        var answers = CaCertificatesDebconf.Read(DebconfDatabase.Parse(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(new CaCertificatesDebconf("no", "a.crt", EnabledSeen: true), answers);
    }
}
