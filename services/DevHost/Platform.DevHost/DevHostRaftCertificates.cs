using System.Net;
using Platform.Ledger.Replication;

namespace Platform.DevHost;

/// <summary>
/// The dev host's Raft certificates: a private CA and one certificate per replica, made at first start into
/// <c>&lt;data&gt;/ledger-tls/</c> and reused afterwards, so the embedded replicas talk mutual TLS as deployed ones
/// do. The CA's key stays there too, to issue a certificate for a replica added later. Keys are owner-only files.
/// </summary>
public static class DevHostRaftCertificates
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(825);
    private static readonly Lock Gate = new();

    /// <summary>Ensures the files exist; returns the settings that point each replica at its own.</summary>
    public static IReadOnlyDictionary<string, string?> Ensure(string dataDirectory, string replicaName)
    {
        var directory = Path.Combine(dataDirectory, "ledger-tls");
        Directory.CreateDirectory(directory);
        var caCertificate = Path.Combine(directory, "ca.crt");
        var caKey = Path.Combine(directory, "ca.key");
        lock (Gate)
        {
            if (!File.Exists(caCertificate) || !File.Exists(caKey))
            {
                using var created = ReplicaCertificateAuthority.Create("Platform dev host ledger Raft CA", Lifetime);
                ReplicaCertificateAuthority.WritePem(created.Certificate, caCertificate, caKey);
            }
            var certificate = Path.Combine(directory, replicaName + ".crt");
            var key = Path.Combine(directory, replicaName + ".key");
            if (!File.Exists(certificate) || !File.Exists(key))
            {
                using var authority = ReplicaCertificateAuthority.FromPemFiles(caCertificate, caKey);
                using var issued = authority.Issue(replicaName, [replicaName, "localhost"], [IPAddress.Loopback], Lifetime);
                ReplicaCertificateAuthority.WritePem(issued, certificate, key);
            }
            return new Dictionary<string, string?>
            {
                ["Ledger:RaftTls:CertificateFile"] = certificate,
                ["Ledger:RaftTls:KeyFile"] = key,
                ["Ledger:RaftTls:AuthorityFile"] = caCertificate,
            };
        }
    }
}
