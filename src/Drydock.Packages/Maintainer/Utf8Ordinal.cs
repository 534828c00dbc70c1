using System.Text;

namespace Drydock.Packages.Maintainer;

/// <summary>Orders strings by their UTF-8 bytes, as strcmp(3) and sort(1) under LC_ALL=C do.</summary>
internal sealed class Utf8Ordinal : IComparer<string>
{
    public static readonly Utf8Ordinal Instance = new();

    public int Compare(string? x, string? y) =>
        Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
}
