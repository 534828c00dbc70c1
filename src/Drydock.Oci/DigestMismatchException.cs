namespace Drydock.Oci;

/// <summary>Content whose digest or size differs from the descriptor that named it.</summary>
public sealed class DigestMismatchException : IOException
{
    public DigestMismatchException(string message)
        : base(message)
    {
    }

    public DigestMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DigestMismatchException()
    {
    }
}
