using System.Collections.Frozen;

namespace Platform.Identity.Oidc;

/// <summary>
/// What a client_credentials token request needs to know about its client, read once from the client's entity and
/// shared by all requests for <see cref="OidcOptions.EntityCacheLifetime"/> (<see cref="ClientSnapshots"/>). Nothing
/// in it leaves the process: <see cref="KeyedSecretHash"/> is the stored HMAC of the secret, never the secret.
/// </summary>
/// <param name="IsConfidential">OpenIddict's client type is <c>confidential</c>.</param>
/// <param name="KeyedSecretHash">The stored secret hash when it is in the keyed form (<see cref="KeyedClientSecretApplicationManager.Prefix"/>); null otherwise (no secret, or an old PBKDF2 hash OpenIddict still checks and upgrades).</param>
/// <param name="Permissions">OpenIddict's permissions of the client (<c>ept:</c>, <c>gt:</c>, <c>scp:</c> …).</param>
/// <param name="AccessTokenLifetime">The client's own access token lifetime setting, if it has one.</param>
/// <param name="RequiresDpop">The client must send a DPoP proof with its token requests (<see cref="DpopTokenBinding.RequireProperty"/>).</param>
public sealed record ClientSnapshot(
    string ClientId,
    bool IsConfidential,
    byte[]? KeyedSecretHash,
    FrozenSet<string> Permissions,
    string? DisplayName,
    TimeSpan? AccessTokenLifetime,
    bool RequiresDpop);
