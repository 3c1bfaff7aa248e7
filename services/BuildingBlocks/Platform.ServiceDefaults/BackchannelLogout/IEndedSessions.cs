namespace Platform.ServiceDefaults.BackchannelLogout;

/// <summary>
/// The sign-in sessions the identity service said have ended (OpenID Connect Back-Channel Logout 1.0), kept so the
/// cookie check can refuse them, and the ids of logout tokens already accepted (a replayed token is refused).
/// Entries are namespaced by the client id the logout tokens were addressed to.
/// </summary>
public interface IEndedSessions
{
    /// <summary>How long an ended session is remembered: longer than any of the platform's cookie sessions live.</summary>
    static readonly TimeSpan KeepFor = TimeSpan.FromHours(24);

    /// <summary>Records a logout token's <c>jti</c>; false when it was recorded before (a replay).</summary>
    ValueTask<bool> TryUseTokenIdAsync(string clientId, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the session <paramref name="sid"/> when given; otherwise every session of <paramref name="subject"/> that
    /// began at or before <paramref name="at"/> (§2.4: a token with <c>sub</c> alone means all of the user's sessions).
    /// </summary>
    ValueTask EndAsync(string clientId, string? sid, string? subject, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Whether a session (its <c>sid</c> and <c>sub</c> claims, and when it began) was ended.</summary>
    ValueTask<bool> HasEndedAsync(string clientId, string? sid, string? subject, DateTimeOffset? issuedAt, CancellationToken cancellationToken);
}
