namespace Drydock.Oci.Registry;

/// <summary>A user name and password (or access token) for a registry.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>Shows the user name only, so that logging a credential never leaks the secret.</summary>
    public override string ToString() => $"{Username}:***";
}
