namespace Platform.Contracts.Events;

/// <summary>
/// The identity service revoked an access token before its expiry (revocation endpoint, refresh-token or code reuse,
/// logout, an admin). Resource services refuse the token from now until <see cref="ExpiresAt"/>, after which its
/// own <c>exp</c> refuses it. Only opaque identifiers: no subject, no client, nothing about the person.
/// </summary>
/// <param name="TokenId">The token's entry id at the identity service, the <c>oi_tkn_id</c> claim of the JWT; for a token
/// stored without an entry (client_credentials), its <c>jti</c> claim.</param>
/// <param name="AuthorizationId">The authorization (grant) it belonged to, the <c>oi_au_id</c> claim, when there is one.</param>
/// <param name="ExpiresAt">The token's own expiry: the deny-list entry is useless after it.</param>
[IntegrationEventType("identity.token-revoked", 1)]
public sealed record AccessTokenRevokedV1(string TokenId, string? AuthorizationId, DateTimeOffset ExpiresAt) : IntegrationEvent;
