using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Identity.Logout;

/// <summary>
/// The <c>sid</c> clients see for a sign-in session (in ID tokens and logout tokens). It is derived one way from the
/// session id, which stays inside the encrypted identity cookie: a client learns which of its sessions belong
/// together, not a value that names the identity service's session row.
/// </summary>
public static class SessionIdentifier
{
    public const string Claim = "sid";

    public static string Of(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes("platform-sid:" + sessionId)));
    }
}
