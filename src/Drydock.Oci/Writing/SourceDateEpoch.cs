namespace Drydock.Oci.Writing;

/// <summary>
/// The timestamp reproducible builds use: <c>SOURCE_DATE_EPOCH</c> when set
/// (reproducible-builds.org specification 1.0: whole seconds since 1970-01-01 UTC), else the
/// time the caller gives.
/// </summary>
public static class SourceDateEpoch
{
    public const string VariableName = "SOURCE_DATE_EPOCH";

    /// <summary>Returns the time from <c>SOURCE_DATE_EPOCH</c>, or <paramref name="fallback"/> when it is unset.</summary>
    public static DateTimeOffset Resolve(DateTimeOffset fallback)
    {
        var value = Environment.GetEnvironmentVariable(VariableName);
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (!long.TryParse(value, System.Globalization.NumberStyles.None, null, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw new FormatException(
                $"{VariableName} is '{value}', not a whole number of seconds since 1970-01-01. Set it to, for "
                + "example, the output of 'git log -1 --format=%ct', or unset it.");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
