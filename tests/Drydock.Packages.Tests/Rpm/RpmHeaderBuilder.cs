using System.Buffers.Binary;
using System.Text;
using Drydock.Packages.Rpm;

namespace Drydock.Packages.Tests.Rpm;

/// <summary>Writes rpm header blobs (index entries then data store) for corrupt-input tests.</summary>
internal sealed class RpmHeaderBuilder
{
    private readonly List<(int Tag, RpmTagType Type, int Offset, int Count)> _entries = [];
    private readonly MemoryStream _data = new();

    public static RpmHeaderBuilder Package(string name, string version, string release) => new RpmHeaderBuilder()
        .String(RpmTag.Name, name)
        .String(RpmTag.Version, version)
        .String(RpmTag.Release, release);

    public RpmHeaderBuilder String(int tag, string value) =>
        Add(tag, RpmTagType.String, 1, Encoding.UTF8.GetBytes(value + "\0"));

    public RpmHeaderBuilder Strings(int tag, params string[] values)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(values.Select(v => v + "\0")));
        return Add(tag, RpmTagType.StringArray, values.Length, bytes);
    }

    public RpmHeaderBuilder Int32(int tag, params uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return Add(tag, RpmTagType.Int32, values.Length, bytes);
    }

    public RpmHeaderBuilder Raw(int tag, RpmTagType type, int offset, int count)
    {
        _entries.Add((tag, type, offset, count));
        return this;
    }

    public byte[] Build()
    {
        var data = _data.ToArray();
        var blob = new byte[8 + (_entries.Count * 16) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(blob, _entries.Count);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4), data.Length);
        for (var i = 0; i < _entries.Count; i++)
        {
            var span = blob.AsSpan(8 + (i * 16));
            BinaryPrimitives.WriteInt32BigEndian(span, _entries[i].Tag);
            BinaryPrimitives.WriteInt32BigEndian(span[4..], (int)_entries[i].Type);
            BinaryPrimitives.WriteInt32BigEndian(span[8..], _entries[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(span[12..], _entries[i].Count);
        }

        data.CopyTo(blob.AsSpan(8 + (_entries.Count * 16)));
        return blob;
    }

    private RpmHeaderBuilder Add(int tag, RpmTagType type, int count, byte[] bytes)
    {
        // Integers are aligned to their width in the data store, as rpm writes them.
        while (type == RpmTagType.Int32 && _data.Length % 4 != 0)
        {
            _data.WriteByte(0);
        }

        _entries.Add((tag, type, (int)_data.Length, count));
        _data.Write(bytes);
        return this;
    }
}
