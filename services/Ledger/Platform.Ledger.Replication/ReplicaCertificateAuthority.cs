using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Ledger.Replication;

/// <summary>
/// A small private CA for the Raft transport, for hosts that make their own certificates: the dev host (at first
/// start, into its data folder) and the tests. A deployment brings its certificates from a Secret instead.
/// </summary>
public sealed class ReplicaCertificateAuthority : IDisposable
{
    private ReplicaCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate (with its private key): the trust anchor every replica is given.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A fresh P-256 CA named <paramref name="name"/>, valid for <paramref name="lifetime"/>.</summary>
    public static ReplicaCertificateAuthority Create(string name, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new ReplicaCertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now + lifetime));
    }

    /// <summary>Loads a CA written by <see cref="WritePem"/>.</summary>
    public static ReplicaCertificateAuthority FromPemFiles(string certificateFile, string keyFile) =>
        new(X509Certificate2.CreateFromPemFile(certificateFile, keyFile));

    /// <summary>
    /// Issues a replica certificate usable as TLS server and client, naming every host name and address peers may
    /// dial it by.
    /// </summary>
    public X509Certificate2 Issue(string subject, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={subject}"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
            names.AddDnsName(dns);
        foreach (var address in addresses)
            names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + lifetime < Certificate.NotAfter ? now + lifetime : Certificate.NotAfter;
        using var issued = request.Create(Certificate, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The <see cref="ReplicaTls"/> of a certificate this CA issued, trusting this CA only.</summary>
    public ReplicaTls TlsFor(X509Certificate2 issued) => new(issued, [X509CertificateLoader.LoadCertificate(Certificate.RawData)]);

    /// <summary>
    /// Writes a certificate as PEM (<c>certificateFile</c>) and its private key as PKCS#8 PEM (<c>keyFile</c>,
    /// created readable by the owner only, since it is a secret).
    /// </summary>
    public static void WritePem(X509Certificate2 certificate, string certificateFile, string keyFile)
    {
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(keyFile, options);
        using var writer = new StreamWriter(stream);
        writer.Write(key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => Certificate.Dispose();
}
