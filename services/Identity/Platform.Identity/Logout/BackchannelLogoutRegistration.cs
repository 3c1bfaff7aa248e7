using System.Text.Json;
using OpenIddict.Abstractions;

namespace Platform.Identity.Logout;

/// <summary>
/// A client's OpenID Connect Back-Channel Logout 1.0 registration, kept as properties of its OpenIddict application
/// (<c>backchannel_logout_uri</c>, <c>backchannel_logout_session_required</c>, the names the specification gives them).
/// </summary>
public sealed record BackchannelLogoutRegistration(string ClientId, Uri LogoutUri, bool SessionRequired, bool Rs256)
{
    public const string UriProperty = "backchannel_logout_uri";
    public const string SessionRequiredProperty = "backchannel_logout_session_required";

    /// <summary>The registration of a stored application, or null when it has no back-channel logout URI.</summary>
    public static async Task<BackchannelLogoutRegistration?> OfAsync(
        IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        if (!properties.TryGetValue(UriProperty, out var uri) || uri.ValueKind != JsonValueKind.String ||
            !Uri.TryCreate(uri.GetString(), UriKind.Absolute, out var logoutUri))
        {
            return null;
        }
        var sessionRequired = properties.TryGetValue(SessionRequiredProperty, out var required) && required.ValueKind == JsonValueKind.True;
        var rs256 = await Oidc.IdentityTokenAlgorithmSelection.RequestedAlgorithmAsync(applications, application, cancellationToken) == Platform.Crypto.KeyAlgorithms.RS256;
        return new BackchannelLogoutRegistration(
            await applications.GetClientIdAsync(application, cancellationToken) ?? "", logoutUri, sessionRequired, rs256);
    }
}
