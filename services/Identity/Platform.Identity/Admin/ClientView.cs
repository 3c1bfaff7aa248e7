using OpenIddict.Abstractions;
using Platform.Identity.Oidc;

namespace Platform.Identity.Admin;

/// <summary>What the admin API shows of a client. <see cref="ClientSecret"/> is set only in the response that generated it.</summary>
public sealed record ClientView(
    string ClientId,
    string? DisplayName,
    string? Type,
    string? ConsentType,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> Permissions,
    IReadOnlyList<string> Requirements,
    bool HasJsonWebKeySet,
    string? IdTokenSignedResponseAlg,
    string? BackchannelLogoutUri,
    bool BackchannelLogoutSessionRequired,
    string? ClientSecret = null)
{
    public static async Task<ClientView> FromAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var logout = await Logout.BackchannelLogoutRegistration.OfAsync(applications, application, cancellationToken);
        return new ClientView(
            await applications.GetClientIdAsync(application, cancellationToken) ?? "",
            await applications.GetDisplayNameAsync(application, cancellationToken),
            await applications.GetClientTypeAsync(application, cancellationToken),
            await applications.GetConsentTypeAsync(application, cancellationToken),
            [.. await applications.GetRedirectUrisAsync(application, cancellationToken)],
            [.. await applications.GetPostLogoutRedirectUrisAsync(application, cancellationToken)],
            [.. await applications.GetPermissionsAsync(application, cancellationToken)],
            [.. await applications.GetRequirementsAsync(application, cancellationToken)],
            await applications.GetJsonWebKeySetAsync(application, cancellationToken) is not null,
            await IdentityTokenAlgorithmSelection.RequestedAlgorithmAsync(applications, application, cancellationToken),
            logout?.LogoutUri.OriginalString,
            logout?.SessionRequired ?? false);
    }
}
