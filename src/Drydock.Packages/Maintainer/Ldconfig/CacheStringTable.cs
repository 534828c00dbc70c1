using System.Text;

namespace Drydock.Packages.Maintainer.Ldconfig;

/// <summary>
/// The string table of ld.so.cache as glibc 2.36 builds it (elf/stringtable.c): each distinct
/// string once, sorted by its reversed bytes so that a string that ends another one shares its
/// bytes (tail merging).
/// </summary>
internal sealed class CacheStringTable
{
    private readonly Dictionary<string, int> _offsets = new(StringComparer.Ordinal);

    public void Add(string value) => _offsets.TryAdd(value, 0);

    public int OffsetOf(string value) => _offsets[value];

    /// <summary>Assigns every offset and returns the table's bytes.</summary>
    public byte[] Finish()
    {
        var strings = _offsets.Keys.Select(s => Encoding.UTF8.GetBytes(s)).ToList();
        if (strings.Count == 0)
        {
            return [];
        }

        strings.Sort(CompareReversed);
        var offsets = new int[strings.Count];
        for (var i = 1; i < strings.Count; i++)
        {
            var previous = strings[i - 1];
            var current = strings[i];
            var isSuffix = previous.Length >= current.Length
                && previous.AsSpan(previous.Length - current.Length).SequenceEqual(current);
            offsets[i] = isSuffix
                ? offsets[i - 1] + previous.Length - current.Length
                : offsets[i - 1] + previous.Length + 1;
        }

        var table = new byte[offsets[^1] + strings[^1].Length + 1];
        for (var i = 0; i < strings.Count; i++)
        {
            strings[i].CopyTo(table, offsets[i]);
            _offsets[Encoding.UTF8.GetString(strings[i])] = offsets[i];
        }

        return table;
    }

    // finalize_compare: reversed strings in reverse lexicographic order, longer strings first
    // when one ends the other.
    private static int CompareReversed(byte[] left, byte[] right)
    {
        var common = Math.Min(left.Length, right.Length);
        for (var i = 1; i <= common; i++)
        {
            var l = left[^i];
            var r = right[^i];
            if (l != r)
            {
                return r - l;
            }
        }

        return right.Length - left.Length;
    }
}
