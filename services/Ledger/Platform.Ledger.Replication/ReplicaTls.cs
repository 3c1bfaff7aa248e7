using System.Collections.Concurrent;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Ledger.Replication;

/// <summary>
/// Mutual TLS for the Raft transport: this replica's certificate (with its private key) and the certificate
/// authorities a peer's certificate must chain to. Both ends present a certificate and both check the other's;
/// a client additionally checks that the server's certificate names the member it dialled.
/// </summary>
/// <remarks>
/// Trust is the given authorities only (never the machine's store), so a certificate from any public CA, or from
/// another ledger's CA, is refused. The authorities come from an <see cref="IPeerTrust"/>: when it changes (a
/// consortium admitted or removed an institution), every open Raft connection is checked again and those whose
/// peer is no longer trusted are closed. Revocation is not checked: the CA is private to the ledger, its certificates are
/// short-lived and replaced through the Secret; a leaked key is answered by replacing the CA.
/// </remarks>
public sealed class ReplicaTls
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly SslStreamCertificateContext _context;
    private readonly ConcurrentDictionary<OpenConnection, byte> _open = new();

    public ReplicaTls(X509Certificate2 certificate, X509Certificate2Collection authorities, X509Certificate2Collection? intermediates = null)
        : this(certificate, new FixedPeerTrust(authorities), intermediates)
    {
        if (authorities.Count == 0)
            throw new ArgumentException("At least one certificate authority is needed to check peers.", nameof(authorities));
    }

    public ReplicaTls(X509Certificate2 certificate, IPeerTrust trust, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(trust);
        if (!certificate.HasPrivateKey)
            throw new ArgumentException("The replica certificate needs its private key.", nameof(certificate));
        Certificate = certificate;
        Trust = trust;
        _context = SslStreamCertificateContext.Create(certificate, intermediates ?? [], offline: true);
        trust.Changed += RecheckOpenConnections;
    }

    /// <summary>This replica's certificate, presented to every peer (as server and as client).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Who may be a peer: the authorities and what each may certify.</summary>
    public IPeerTrust Trust { get; }

    /// <summary>The authorities a peer's certificate must chain to, now.</summary>
    public X509Certificate2Collection Authorities => Trust.Authorities;

    /// <summary>Open connections closed because their peer's certificate was no longer trusted after a change.</summary>
    public long Revoked => Interlocked.Read(ref _revoked);

    private long _revoked;

    /// <summary>How long a peer has to complete the handshake before its connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Loads PEM files: the certificate (optionally followed by its intermediates), its private key (PKCS#8, SEC1 or
    /// PKCS#1), and a bundle of one or more CA certificates.
    /// </summary>
    public static ReplicaTls FromPemFiles(string certificateFile, string keyFile, string authorityFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(authorityFile);
        return FromPemFiles(certificateFile, keyFile, authorities);
    }

    /// <summary>Loads this replica's certificate and key from PEM files; peers are checked against the given authorities (a consortium's member CAs).</summary>
    public static ReplicaTls FromPemFiles(string certificateFile, string keyFile, X509Certificate2Collection authorities) =>
        FromPemFiles(certificateFile, keyFile, new FixedPeerTrust(authorities));

    /// <summary>Loads this replica's certificate and key from PEM files; peers are checked against <paramref name="trust"/> (a consortium's, changing with its configuration).</summary>
    public static ReplicaTls FromPemFiles(string certificateFile, string keyFile, IPeerTrust trust)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificateFile);
        var intermediates = new X509Certificate2Collection();
        foreach (var extra in chain.Skip(1))
            intermediates.Add(extra);
        return new ReplicaTls(certificate, trust, intermediates);
    }

    /// <param name="refusal">Receives why the client's certificate was refused, for the log.</param>
    internal SslServerAuthenticationOptions ServerOptions(StrongBox<string?>? refusal = null) => new()
    {
        ServerCertificateContext = _context,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, ClientAuthentication, checkName: false, refusal),
    };

    internal SslClientAuthenticationOptions ClientOptions(string targetHost) => new()
    {
        TargetHost = targetHost,
        ClientCertificateContext = _context,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, ServerAuthentication, checkName: true),
    };

    // The platform's own verdict is built against the system store; rebuild the chain against our authorities only.
    private bool IsTrusted(X509Certificate? presented, X509Chain? presentedChain, SslPolicyErrors errors, Oid usage, bool checkName, StrongBox<string?>? refusal = null)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse(refusal, "no certificate was presented");
        if (checkName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse(refusal, "the certificate does not name the member dialled");
        using var leaf = new X509Certificate2(presented);
        var extra = new X509Certificate2Collection();
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements.Skip(1))
                extra.Add(element.Certificate);
        }
        return Verdict(leaf, extra, usage) is not { } reason || Refuse(refusal, reason);
    }

    private static bool Refuse(StrongBox<string?>? refusal, string reason)
    {
        if (refusal is not null)
            refusal.Value = reason;
        return false;
    }

    /// <summary>
    /// Why <paramref name="leaf"/> would be refused now as a peer's client certificate (the check of an incoming Raft
    /// connection), or null: for a peer that proves itself outside Raft (a consortium replica's forwarded command).
    /// </summary>
    public string? ClientRefusal(X509Certificate2 leaf) => Verdict(leaf, [], ClientAuthentication);

    /// <summary>Why <paramref name="leaf"/> is not a trusted peer certificate for <paramref name="usage"/> now, or null.</summary>
    internal string? Verdict(X509Certificate2 leaf, X509Certificate2Collection extra, Oid usage)
    {
        var authorities = Trust.Authorities;
        if (authorities.Count == 0)
            return "no certificate authority is trusted";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        if (!chain.Build(leaf))
            return "the certificate does not chain to a trusted authority";
        return Trust.Refusal(leaf, chain.ChainElements[^1].Certificate);
    }

    /// <summary>
    /// Keeps an authenticated connection under watch: when the trust changes, its peer's certificate is checked again
    /// and the connection aborted if it no longer passes. Dispose the result when the connection closes.
    /// </summary>
    internal IDisposable Watch(SslStream stream, bool peerIsClient, Action abort)
    {
        var entry = new OpenConnection(this, stream, peerIsClient ? ClientAuthentication : ServerAuthentication, abort);
        _open.TryAdd(entry, 0);
        return entry;
    }

    // Only the leaf is kept by SslStream: a peer whose chain has intermediates is checked with the leaf alone, fails,
    // and reconnects (its new handshake presents the whole chain). Trust changes are rare; that costs one reconnect.
    private void RecheckOpenConnections()
    {
        foreach (var connection in _open.Keys)
        {
            X509Certificate2? leaf;
            try
            {
                leaf = connection.Stream.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
            }
            catch (ObjectDisposedException)
            {
                _open.TryRemove(connection, out _);
                continue;
            }
            using (leaf)
            {
                if (leaf is not null && Verdict(leaf, [], connection.Usage) is null)
                    continue;
            }
            _open.TryRemove(connection, out _);
            Interlocked.Increment(ref _revoked);
            connection.Abort();
        }
    }

    private sealed class OpenConnection(ReplicaTls owner, SslStream stream, Oid usage, Action abort) : IDisposable
    {
        internal SslStream Stream => stream;

        internal Oid Usage => usage;

        internal void Abort() => abort();

        public void Dispose() => owner._open.TryRemove(this, out _);
    }
}
