using System.Security.Claims;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Sessions;

/// <summary>
/// One OpenIddict authorization per authorization-code flow, tagged with the sign-in session it came from.
/// OpenIddict revokes a whole authorization (and every token under it) when a code is replayed or a rotated
/// refresh token is reused; with one authorization per flow that is this flow's chain only, not every session the
/// user has on the client. The tag lets logout revoke what its session obtained.
/// </summary>
public sealed class SessionAuthorizations(IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, TimeProvider time)
{
    /// <summary>The authorization property naming the sign-in session.</summary>
    public const string SessionProperty = "platform_session";

    /// <summary>A fresh ad-hoc authorization for one flow; returns its id.</summary>
    public async Task<string> CreateForFlowAsync(
        ClaimsIdentity identity, string subject, string applicationId, string? sessionId, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            CreationDate = time.GetUtcNow(),
            Principal = new ClaimsPrincipal(identity),
            Status = Statuses.Valid,
            Subject = subject,
            Type = AuthorizationTypes.AdHoc,
        };
        descriptor.Scopes.UnionWith(identity.GetScopes());
        if (sessionId is not null)
        {
            descriptor.Properties[SessionProperty] = JsonSerializer.SerializeToElement(sessionId);
        }
        var authorization = await authorizations.CreateAsync(descriptor, cancellationToken);
        return (await authorizations.GetIdAsync(authorization, cancellationToken))!;
    }

    /// <summary>Revokes the authorizations (and their tokens) that flows in one session created; returns how many.</summary>
    public async Task<int> RevokeForSessionAsync(string subject, string sessionId, CancellationToken cancellationToken)
    {
        var matching = new List<object>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken))
        {
            var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
            if (properties.TryGetValue(SessionProperty, out var value) && value.ValueKind == JsonValueKind.String &&
                value.GetString() == sessionId)
            {
                matching.Add(authorization);
            }
        }
        foreach (var authorization in matching)
        {
            await RevokeAsync(authorization, cancellationToken);
        }
        return matching.Count;
    }

    /// <summary>Revokes every authorization and token of the subject (admin revocation); returns the authorizations revoked.</summary>
    public async Task<long> RevokeAllAsync(string subject, CancellationToken cancellationToken)
    {
        var revoked = await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        return revoked;
    }

    private async Task RevokeAsync(object authorization, CancellationToken cancellationToken)
    {
        var id = await authorizations.GetIdAsync(authorization, cancellationToken);
        await authorizations.TryRevokeAsync(authorization, cancellationToken);
        if (id is not null)
        {
            await tokens.RevokeByAuthorizationIdAsync(id, cancellationToken);
        }
    }
}
