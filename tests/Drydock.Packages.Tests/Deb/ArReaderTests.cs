using System.Text;
using Drydock.Packages.Deb;

namespace Drydock.Packages.Tests.Deb;

public sealed class ArReaderTests
{
    [Fact]
    public void Next_ReadsMembersAndPadding()
    {
        var bytes = DebBuilder.Ar(("odd", "abc"u8.ToArray()), ("even/", "ab"u8.ToArray()));
        var reader = new ArReader(new MemoryStream(bytes), "t.deb");
        reader.ReadMagic();

        var first = reader.Next()!;
        Assert.Equal("odd", first.Name);
        Assert.Equal("abc", new StreamReader(first.Content).ReadToEnd());
        var second = reader.Next()!;
        Assert.Equal("even", second.Name);
        Assert.Equal(2, second.Size);
        Assert.Null(reader.Next());
    }

    [Fact]
    public void Next_SkipsUnreadContent()
    {
        var bytes = DebBuilder.Ar(("a", new byte[1001]), ("b", "x"u8.ToArray()));
        var reader = new ArReader(new NonSeekableStream(bytes), "t.deb");
        reader.ReadMagic();

        reader.Next();

        Assert.Equal("b", reader.Next()!.Name);
    }

    [Fact]
    public void ReadMagic_RejectsOtherFiles()
    {
        var reader = new ArReader(new MemoryStream("PK\u0003\u0004 not an ar"u8.ToArray()), "bad.deb");

        var error = Assert.Throws<InvalidDataException>(reader.ReadMagic);

        Assert.Contains("'bad.deb'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("end marker", 58, (byte)'x')]
    [InlineData("size letter", 48, (byte)'z')]
    [InlineData("name control", 0, (byte)1)]
    public void Next_RejectsDamagedHeader(string name, int offset, byte value)
    {
        var bytes = DebBuilder.Ar(("member", "data"u8.ToArray()));
        bytes[8 + offset] = value;
        var reader = new ArReader(new MemoryStream(bytes), "t.deb");
        reader.ReadMagic();

        var error = Assert.Throws<InvalidDataException>(() => reader.Next());

        Assert.True(error.Message.Contains("'t.deb'", StringComparison.Ordinal), name);
    }

    [Fact]
    public void Next_RejectsTruncatedHeader()
    {
        var bytes = DebBuilder.Ar(("first", "ab"u8.ToArray()), ("second", "cd"u8.ToArray()));
        var reader = new ArReader(new MemoryStream(bytes[..(bytes.Length - 40)]), "t.deb");
        reader.ReadMagic();
        reader.Next();

        var error = Assert.Throws<InvalidDataException>(() => reader.Next());

        Assert.Contains("'first'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_RejectsTruncatedMember()
    {
        var bytes = DebBuilder.Ar(("data.tar.gz", new byte[500]));
        var reader = new ArReader(new NonSeekableStream(bytes[..300]), "t.deb");
        reader.ReadMagic();
        var member = reader.Next()!;

        var error = Assert.Throws<InvalidDataException>(() => member.Content.CopyTo(Stream.Null));

        Assert.Contains("'data.tar.gz'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_RejectsHugeDeclaredSize()
    {
        var bytes = DebBuilder.Ar(("a", "xy"u8.ToArray()), ("b", "z"u8.ToArray()));
        Encoding.ASCII.GetBytes("9999999999").CopyTo(bytes, 8 + 48);
        var reader = new ArReader(new MemoryStream(bytes), "t.deb");
        reader.ReadMagic();
        reader.Next();

        var error = Assert.Throws<InvalidDataException>(() => reader.Next());

        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream over bytes that cannot seek, like a download.</summary>
    internal sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
