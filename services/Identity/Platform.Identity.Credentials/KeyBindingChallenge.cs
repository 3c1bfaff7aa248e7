namespace Platform.Identity.Credentials;

/// <summary>
/// What a Key Binding JWT must be bound to: the verifier (<c>aud</c>) and the fresh <c>nonce</c> it handed out for this
/// transaction. Together they stop a presentation captured by one verifier from being replayed to another, or later.
/// </summary>
public sealed record KeyBindingChallenge
{
    public KeyBindingChallenge(string audience, string nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        Audience = audience;
        Nonce = nonce;
    }

    public string Audience { get; }

    public string Nonce { get; }
}
