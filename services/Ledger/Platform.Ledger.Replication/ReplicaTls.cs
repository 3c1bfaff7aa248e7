using System.Net.Security;
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
/// another ledger's CA, is refused. Revocation is not checked: the CA is private to the ledger, its certificates are
/// short-lived and replaced through the Secret; a leaked key is answered by replacing the CA.
/// </remarks>
public sealed class ReplicaTls
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly SslStreamCertificateContext context;

    public ReplicaTls(X509Certificate2 certificate, X509Certificate2Collection authorities, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authorities);
        if (!certificate.HasPrivateKey)
            throw new ArgumentException("The replica certificate needs its private key.", nameof(certificate));
        if (authorities.Count == 0)
            throw new ArgumentException("At least one certificate authority is needed to check peers.", nameof(authorities));
        Certificate = certificate;
        Authorities = authorities;
        context = SslStreamCertificateContext.Create(certificate, intermediates ?? [], offline: true);
    }

    /// <summary>This replica's certificate, presented to every peer (as server and as client).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authorities a peer's certificate must chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

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
    public static ReplicaTls FromPemFiles(string certificateFile, string keyFile, X509Certificate2Collection authorities)
    {
        var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificateFile);
        var intermediates = new X509Certificate2Collection();
        foreach (var extra in chain.Skip(1))
            intermediates.Add(extra);
        return new ReplicaTls(certificate, authorities, intermediates);
    }

    internal SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = context,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, ClientAuthentication, checkName: false),
    };

    internal SslClientAuthenticationOptions ClientOptions(string targetHost) => new()
    {
        TargetHost = targetHost,
        ClientCertificateContext = context,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, ServerAuthentication, checkName: true),
    };

    // The platform's own verdict is built against the system store; rebuild the chain against our authorities only.
    private bool IsTrusted(X509Certificate? presented, X509Chain? presentedChain, SslPolicyErrors errors, Oid usage, bool checkName)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return false;
        if (checkName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return false;
        using var leaf = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements.Skip(1))
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(leaf);
    }
}
