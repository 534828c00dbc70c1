using Drydock.Images.Build;

namespace Drydock.Cli.Commands;

/// <summary>Reads the SPEC argument of <c>drydock build</c> and <c>drydock lock</c>.</summary>
internal static class BuildSpecFile
{
    /// <summary>
    /// Reads the spec; a malformed one is a bad argument (exit 2), not a failed run, so the
    /// reader's <see cref="InvalidDataException"/> is passed on as an
    /// <see cref="ArgumentException"/> with the same message.
    /// </summary>
    public static BuildSpec Read(string path)
    {
        try
        {
            return BuildSpecReader.ReadFile(path);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}
