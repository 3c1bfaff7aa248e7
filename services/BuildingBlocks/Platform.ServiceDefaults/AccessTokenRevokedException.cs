using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults;

/// <summary>A well-signed, unexpired access token that the identity service has revoked (it is on the deny-list).</summary>
public sealed class AccessTokenRevokedException() : SecurityTokenException("The access token has been revoked.");
