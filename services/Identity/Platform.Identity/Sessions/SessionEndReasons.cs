namespace Platform.Identity.Sessions;

/// <summary>Why a <see cref="SignInSession"/> ended (stored with it).</summary>
public static class SessionEndReasons
{
    /// <summary>The user logged out (the logout page, or RP-initiated logout at the end-session endpoint).</summary>
    public const string Logout = "logout";

    /// <summary>Another sign-in on the same browser replaced it (a new cookie was issued).</summary>
    public const string Replaced = "replaced";

    /// <summary>The cookie was removed for another reason (re-authentication asked for, security stamp changed).</summary>
    public const string SignedOut = "signed_out";

    /// <summary>An administrator revoked the user's sessions.</summary>
    public const string AdminRevoked = "admin_revoked";
}
