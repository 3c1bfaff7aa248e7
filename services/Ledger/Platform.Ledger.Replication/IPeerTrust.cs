using System.Security.Cryptography.X509Certificates;

namespace Platform.Ledger.Replication;

/// <summary>
/// Which certificate authorities a peer replica's certificate may chain to, and what a certificate from each may
/// claim. Fixed for a ledger run by one operator (its CA bundle); for a consortium it follows the configuration in
/// force on the ledger, so it can change while the replica runs (<see cref="Changed"/>).
/// </summary>
public interface IPeerTrust
{
    /// <summary>The authorities a peer's certificate must chain to, now.</summary>
    X509Certificate2Collection Authorities { get; }

    /// <summary>
    /// Why a certificate whose chain ends at <paramref name="anchor"/> (one of <see cref="Authorities"/>) must still be
    /// refused, or null to accept it: a consortium refuses a certificate that names a replica another institution runs.
    /// </summary>
    string? Refusal(X509Certificate2 leaf, X509Certificate2 anchor);

    /// <summary>Raised after the authorities or the rule changed: open connections are checked again.</summary>
    event Action? Changed;
}

/// <summary>A fixed CA bundle: any certificate chaining to it is accepted (one operator, one trust domain).</summary>
public sealed class FixedPeerTrust(X509Certificate2Collection authorities) : IPeerTrust
{
    public X509Certificate2Collection Authorities { get; } = authorities;

    public string? Refusal(X509Certificate2 leaf, X509Certificate2 anchor) => null;

    public event Action? Changed
    {
        add { }
        remove { }
    }
}
