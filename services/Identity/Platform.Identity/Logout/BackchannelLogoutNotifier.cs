using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Platform.Identity.Oidc;
using Platform.Identity.Sessions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Logout;

/// <summary>
/// Tells the clients a user had a session with that the session ended (OpenID Connect Back-Channel Logout 1.0): the
/// clients are those with an authorization from that session (each code flow's authorization is tagged with its
/// session, <see cref="SessionAuthorizations"/>) and a registered back-channel logout URI. The logout waits for the
/// first delivery attempts at most <see cref="FirstAttemptWait"/>; retries go on in the background.
/// </summary>
public sealed class BackchannelLogoutNotifier(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    LogoutTokenIssuer tokens,
    BackchannelLogoutDelivery delivery,
    IHttpContextAccessor http,
    IOptions<OidcOptions> oidc)
{
    /// <summary>How long a logout page waits for the clients' first answers before it answers the browser anyway.</summary>
    public static readonly TimeSpan FirstAttemptWait = TimeSpan.FromSeconds(2);

    /// <summary>One session ended by logout: each client it signed in to gets a token with <c>sub</c> and <c>sid</c>.</summary>
    public async Task SessionEndedAsync(string subject, string sessionId, CancellationToken cancellationToken)
    {
        var sid = SessionIdentifier.Of(sessionId);
        var sent = new List<LogoutDelivery>();
        foreach (var (applicationId, _) in (await SessionsByApplicationAsync(subject, s => s == sessionId, validOnly: false, cancellationToken)))
        {
            if (await RegistrationAsync(applicationId, cancellationToken) is { } client)
            {
                sent.Add(Send(client, subject, sid));
            }
        }
        await WaitAsync(sent);
    }

    /// <summary>
    /// Every session of the subject ended (an administrator): each client with a live authorization gets a token with
    /// <c>sub</c> only (all of the user's sessions there), or, when it requires <c>sid</c>, one token per session.
    /// </summary>
    public async Task SubjectRevokedAsync(string subject, CancellationToken cancellationToken)
    {
        var sent = new List<LogoutDelivery>();
        foreach (var (applicationId, sessions) in await SessionsByApplicationAsync(subject, _ => true, validOnly: true, cancellationToken))
        {
            if (await RegistrationAsync(applicationId, cancellationToken) is not { } client)
            {
                continue;
            }
            if (!client.SessionRequired)
            {
                sent.Add(Send(client, subject, sid: null));
                continue;
            }
            foreach (var session in sessions)
            {
                sent.Add(Send(client, subject, SessionIdentifier.Of(session)));
            }
        }
        await WaitAsync(sent);
    }

    private LogoutDelivery Send(BackchannelLogoutRegistration client, string subject, string? sid)
    {
        var item = new LogoutDelivery(client.ClientId, client.LogoutUri, tokens.Create(Issuer(), client, subject, sid));
        delivery.Enqueue(item);
        return item;
    }

    private static async Task WaitAsync(List<LogoutDelivery> sent)
    {
        if (sent.Count > 0)
        {
            await Task.WhenAny(Task.WhenAll(sent.Select(s => s.FirstAttempt.Task)), Task.Delay(FirstAttemptWait));
        }
    }

    /// <summary>The applications holding authorizations of the subject, each with the sessions those came from.</summary>
    private async Task<Dictionary<string, HashSet<string>>> SessionsByApplicationAsync(
        string subject, Func<string, bool> sessionFilter, bool validOnly, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, cancellationToken))
        {
            if (validOnly && await authorizations.GetStatusAsync(authorization, cancellationToken) != Statuses.Valid)
            {
                continue;
            }
            var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
            var session = properties.TryGetValue(SessionAuthorizations.SessionProperty, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;
            // An administrator's revocation also reaches clients whose authorizations name no session (older ones).
            if ((session is null ? !validOnly : !sessionFilter(session)) ||
                await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId)
            {
                continue;
            }
            if (!found.TryGetValue(applicationId, out var sessions))
            {
                found[applicationId] = sessions = new HashSet<string>(StringComparer.Ordinal);
            }
            if (session is not null)
            {
                sessions.Add(session);
            }
        }
        return found;
    }

    private async Task<BackchannelLogoutRegistration?> RegistrationAsync(string applicationId, CancellationToken cancellationToken) =>
        await applications.FindByIdAsync(applicationId, cancellationToken) is { } application
            ? await BackchannelLogoutRegistration.OfAsync(applications, application, cancellationToken)
            : null;

    private string Issuer() => http.HttpContext is { } context ? IssuerIdentifier.Of(context)
        : oidc.Value.Issuer?.AbsoluteUri ?? throw new InvalidOperationException("A logout outside a request needs Identity:Issuer.");
}
