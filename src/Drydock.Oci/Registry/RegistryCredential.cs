namespace Drydock.Oci.Registry;

/// <summary>
/// A user name and password (or access token) for a registry, or an identity token when the
/// user name is <see cref="IdentityTokenUsername"/>.
/// </summary>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>
    /// The user name with which Docker credential helpers mark the secret as an identity token:
    /// an OAuth2 refresh token that is exchanged for registry tokens, never sent as a password.
    /// </summary>
    public const string IdentityTokenUsername = "<token>";

    /// <summary>Whether <see cref="Password"/> is an identity token.</summary>
    public bool IsIdentityToken => Username == IdentityTokenUsername;

    /// <summary>Shows the user name only, so that logging a credential never leaks the secret.</summary>
    public override string ToString() => $"{Username}:***";
}
