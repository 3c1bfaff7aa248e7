namespace Platform.Identity.Sessions;

/// <summary>The answer of an admin revocation: how many live sessions ended and how many authorizations were revoked.</summary>
public sealed record SessionsRevoked(string UserId, int SessionsEnded, long AuthorizationsRevoked);
