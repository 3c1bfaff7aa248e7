namespace Platform.Identity.Sessions;

/// <summary>
/// One sign-in on one browser: created when the identity cookie is issued and referenced from it, ended by logout,
/// by a new sign-in on the same browser, or by an administrator. A cookie is accepted only while its session is live,
/// so a copy of the cookie dies with the session instead of working until the cookie expires.
/// Times are UTC <see cref="DateTime"/>s because SQLite cannot compare <see cref="DateTimeOffset"/> in queries.
/// </summary>
public sealed class SignInSession
{
    /// <summary>Random, 32 hex digits; travels only inside the encrypted cookie.</summary>
    public string Id { get; set; } = "";

    public string UserId { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>When the cookie expires (it does not slide), so the session cannot outlive it.</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>One of <see cref="SessionEndReasons"/>.</summary>
    public string? EndReason { get; set; }

    /// <summary>The admin who ended it, when <see cref="EndReason"/> is <see cref="SessionEndReasons.AdminRevoked"/>.</summary>
    public string? EndedBy { get; set; }

    public bool IsLiveAt(DateTime utcNow) => EndedAt is null && ExpiresAt > utcNow;
}
