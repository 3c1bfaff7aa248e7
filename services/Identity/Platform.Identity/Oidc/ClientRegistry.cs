using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Platform.Identity.Logout;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>Validates client definitions and writes them to OpenIddict's application store.</summary>
public sealed class ClientRegistry(IOpenIddictApplicationManager applications)
{
    private static readonly string[] SupportedGrantTypes =
        [OpenIddictConstants.GrantTypes.AuthorizationCode, OpenIddictConstants.GrantTypes.RefreshToken, OpenIddictConstants.GrantTypes.ClientCredentials];

    private static readonly string[] IdentityScopes =
        [OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Profile, OpenIddictConstants.Scopes.Email, OpenIddictConstants.Scopes.Roles, OpenIddictConstants.Scopes.OfflineAccess, OidcScopes.VerifiedClaims];

    /// <summary>Creates or replaces the client; returns true when it was created.</summary>
    /// <exception cref="ProblemException">The definition is invalid (422).</exception>
    public async Task<bool> SaveAsync(ClientDefinition client, CancellationToken cancellationToken)
    {
        var descriptor = ToDescriptor(client);
        var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
            return true;
        }
        // Keep the stored (hashed) secret when the update does not bring a new one: OpenIddict re-hashes only a changed value.
        if (descriptor.ClientSecret is null && client.Type == ClientTypes.Confidential)
        {
            var current = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(current, existing, cancellationToken);
            descriptor.ClientSecret = current.ClientSecret;
        }
        await applications.UpdateAsync(existing, descriptor, cancellationToken);
        return false;
    }

    public static OpenIddictApplicationDescriptor ToDescriptor(ClientDefinition client)
    {
        Validate(client);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            DisplayName = client.DisplayName ?? client.ClientId,
            ClientType = client.Type == ClientTypes.Public ? OpenIddictConstants.ClientTypes.Public : OpenIddictConstants.ClientTypes.Confidential,
            ClientSecret = client.Type == ClientTypes.Confidential ? client.ClientSecret : null,
            ConsentType = client.ConsentType == ClientConsentTypes.Implicit ? ConsentTypes.Implicit : ConsentTypes.Explicit,
            ApplicationType = client.ApplicationType == ClientApplicationTypes.Native ? ApplicationTypes.Native : ApplicationTypes.Web,
        };
        if (client.IdTokenSignedResponseAlg is { } idTokenAlgorithm)
        {
            descriptor.Properties[IdentityTokenAlgorithmSelection.PropertyName] = JsonSerializer.SerializeToElement(idTokenAlgorithm);
        }
        if (client.RequireDpop)
        {
            descriptor.Properties[DpopTokenBinding.RequireProperty] = JsonSerializer.SerializeToElement(true);
        }
        if (client.BackchannelLogoutUri is { } logoutUri)
        {
            descriptor.Properties[BackchannelLogoutRegistration.UriProperty] = JsonSerializer.SerializeToElement(logoutUri);
            descriptor.Properties[BackchannelLogoutRegistration.SessionRequiredProperty] = JsonSerializer.SerializeToElement(client.BackchannelLogoutSessionRequired);
        }
        if (client.JsonWebKeySet is not null)
        {
            descriptor.JsonWebKeySet = new JsonWebKeySet(client.JsonWebKeySet);
        }
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }
        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        var permissions = descriptor.Permissions;
        permissions.Add(Permissions.Endpoints.Token);
        permissions.Add(Permissions.Endpoints.Revocation);
        if (client.Type == ClientTypes.Confidential)
        {
            permissions.Add(Permissions.Endpoints.Introspection);
        }
        foreach (var grant in client.GrantTypes.Distinct(StringComparer.Ordinal))
        {
            permissions.Add(Permissions.Prefixes.GrantType + grant);
        }
        if (client.GrantTypes.Contains(OpenIddictConstants.GrantTypes.AuthorizationCode))
        {
            permissions.Add(Permissions.Endpoints.Authorization);
            permissions.Add(Permissions.Endpoints.PushedAuthorization);
            permissions.Add(Permissions.Endpoints.EndSession);
            permissions.Add(Permissions.ResponseTypes.Code);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            if (client.RequirePushedAuthorization)
            {
                descriptor.Requirements.Add(Requirements.Features.PushedAuthorizationRequests);
            }
        }
        foreach (var scope in client.Scopes.Distinct(StringComparer.Ordinal))
        {
            if (scope != OpenIddictConstants.Scopes.OpenId && scope != OpenIddictConstants.Scopes.OfflineAccess)
            {
                permissions.Add(Permissions.Prefixes.Scope + scope);
            }
            // A SMART client registered for patient/*.rs may ask for any narrower scope (patient/Observation.r, …).
            foreach (var narrower in SmartScopes.CoveredBy(scope))
            {
                permissions.Add(Permissions.Prefixes.Scope + narrower);
            }
        }
        return descriptor;
    }

    private static void Validate(ClientDefinition client)
    {
        static ProblemException Invalid(string code, string detail) => ProblemException.Unprocessable(detail, code);

        if (string.IsNullOrWhiteSpace(client.ClientId) || client.ClientId.Length > 100 ||
            !client.ClientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw Invalid("invalid_client_id", "clientId must be 1-100 ASCII letters, digits, '-', '_' or '.'.");
        }
        // A NUL or other control character in a display name or secret is never meant: it would reach the consent
        // screen and the application store (PostgreSQL refuses NUL in text, which would be a 500 there).
        if (client.DisplayName is { } name && (name.Length > 200 || name.Any(char.IsControl)))
        {
            throw Invalid("invalid_display_name", "displayName must be at most 200 characters, without control characters.");
        }
        if (client.ClientSecret is { } secret && (secret.Length > 512 || secret.Any(char.IsControl)))
        {
            throw Invalid("invalid_client_secret", "A client secret must be at most 512 characters, without control characters.");
        }
        if (client.Type is not (ClientTypes.Public or ClientTypes.Confidential))
        {
            throw Invalid("invalid_client_type", "type must be 'public' or 'confidential'.");
        }
        if (client.ConsentType is not (ClientConsentTypes.Implicit or ClientConsentTypes.Explicit))
        {
            throw Invalid("invalid_consent_type", "consentType must be 'implicit' or 'explicit'.");
        }
        if (client.ApplicationType is not (ClientApplicationTypes.Web or ClientApplicationTypes.Native))
        {
            throw Invalid("invalid_application_type", "applicationType must be 'web' or 'native'.");
        }
        if (client.ApplicationType == ClientApplicationTypes.Native && client.Type != ClientTypes.Public)
        {
            // RFC 8252 §8.4: a native app cannot keep a secret.
            throw Invalid("invalid_application_type", "A native client is public: it cannot keep a secret.");
        }
        if (client.IdTokenSignedResponseAlg is { } algorithm && !IdentityTokenAlgorithmSelection.SupportedAlgorithms.Contains(algorithm))
        {
            throw Invalid("invalid_id_token_signed_response_alg",
                $"idTokenSignedResponseAlg must be one of: {string.Join(", ", IdentityTokenAlgorithmSelection.SupportedAlgorithms)} (or absent for ES256).");
        }
        if (client.GrantTypes.Count == 0 || client.GrantTypes.Any(g => !SupportedGrantTypes.Contains(g)))
        {
            throw Invalid("invalid_grant_types", $"grantTypes must be a non-empty subset of: {string.Join(", ", SupportedGrantTypes)}.");
        }
        if (client.Type == ClientTypes.Public)
        {
            if (client.ClientSecret is not null || client.JsonWebKeySet is not null)
            {
                throw Invalid("public_client_credentials", "A public client has no secret or keys; it proves itself with PKCE.");
            }
            if (client.GrantTypes.Contains(OpenIddictConstants.GrantTypes.ClientCredentials))
            {
                throw Invalid("public_client_credentials_grant", "A public client cannot use client_credentials.");
            }
        }
        else if (client.ClientSecret is { Length: < 32 })
        {
            throw Invalid("weak_client_secret", "A client secret must be at least 32 characters.");
        }
        if (client.JsonWebKeySet is not null)
        {
            try
            {
                if (new JsonWebKeySet(client.JsonWebKeySet).Keys.Count == 0 || client.JsonWebKeySet.Contains("\"d\"", StringComparison.Ordinal))
                {
                    throw Invalid("invalid_jwks", "jsonWebKeySet must hold at least one public key and no private key material.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or JsonException)
            {
                throw Invalid("invalid_jwks", "jsonWebKeySet is not a JWKS document.");
            }
        }
        if (client.GrantTypes.Contains(OpenIddictConstants.GrantTypes.AuthorizationCode) && client.RedirectUris.Count == 0)
        {
            throw Invalid("missing_redirect_uri", "An authorization-code client needs at least one redirect URI.");
        }
        foreach (var uri in client.RedirectUris.Concat(client.PostLogoutRedirectUris))
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !string.IsNullOrEmpty(parsed.Fragment) ||
                !(parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback)))
            {
                throw Invalid("invalid_redirect_uri", $"'{uri}' must be an absolute https URI (http only on loopback) without a fragment.");
            }
        }
        if (client.BackchannelLogoutUri is { } backchannel &&
            (!Uri.TryCreate(backchannel, UriKind.Absolute, out var logoutUri) || !string.IsNullOrEmpty(logoutUri.Fragment) ||
             !(logoutUri.Scheme == Uri.UriSchemeHttps || (logoutUri.Scheme == Uri.UriSchemeHttp && logoutUri.IsLoopback))))
        {
            throw Invalid("invalid_backchannel_logout_uri", $"'{backchannel}' must be an absolute https URI (http only on loopback) without a fragment.");
        }
        if (client.BackchannelLogoutSessionRequired && client.BackchannelLogoutUri is null)
        {
            throw Invalid("invalid_backchannel_logout_uri", "backchannelLogoutSessionRequired needs a backchannelLogoutUri.");
        }
        var knownScopes = IdentityScopes.Concat(OidcScopes.Api.Keys).Append(SmartScopes.LaunchPatient).Append(SmartScopes.FhirUser).ToHashSet(StringComparer.Ordinal);
        if (client.Scopes.FirstOrDefault(s => !knownScopes.Contains(s) && !SmartScopes.IsOffered(s)) is { } unknown)
        {
            throw Invalid("unknown_scope", $"Scope '{unknown}' is not defined. Known scopes: {string.Join(", ", knownScopes)}.");
        }
    }
}
