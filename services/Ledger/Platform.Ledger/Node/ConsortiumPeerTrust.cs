using System.Security.Cryptography.X509Certificates;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Node;

/// <summary>
/// Raft TLS trust for a consortium ledger: the CAs of the member institutions of the configuration in force on the
/// ledger (this institution's file until the founding entry is applied), so an admitted institution's CA is trusted
/// and a removed one's refused once this replica applied the change and its next trust refresh ran
/// (<see cref="ConsortiumMembership"/>'s loop, every 250 ms), without a restart. A certificate is also
/// bound to its institution: it must name at least one replica run by the institution whose CA issued it and no
/// replica run by another, so one member's CA cannot certify another member's replica.
/// </summary>
public sealed class ConsortiumPeerTrust : IPeerTrust
{
    private readonly LedgerState _state;
    private readonly LocalConsortium _local;
    private readonly ReplicaDirectory _directory;
    private volatile TrustedMembers _current;

    public ConsortiumPeerTrust(LedgerState state, LocalConsortium local, ReplicaDirectory directory)
    {
        _state = state;
        _local = local;
        _directory = directory;
        _current = new TrustedMembers(local.Configuration ?? throw new InvalidOperationException("A consortium's peer trust needs Ledger:Consortium:File."));
    }

    public X509Certificate2Collection Authorities => _current.Authorities;

    /// <summary>The configuration whose members are trusted now.</summary>
    public ConsortiumConfiguration Configuration => _current.Configuration;

    public event Action? Changed;

    /// <summary>Takes the configuration now in force on the ledger; raises <see cref="Changed"/> when it is another one.</summary>
    public void Refresh()
    {
        var inForce = _state.Consortium ?? _local.Configuration!;
        if (ReferenceEquals(inForce, _current.Configuration))
            return;
        _current = new TrustedMembers(inForce);
        Changed?.Invoke();
    }

    public string? Refusal(X509Certificate2 leaf, X509Certificate2 anchor)
    {
        var trusted = _current;
        var issuers = trusted.Configuration.Members.Where(m => m.Authority() is { } ca && ca.RawData.AsSpan().SequenceEqual(anchor.RawData)).ToList();
        if (issuers.Count == 0)
            return "its authority is not a member institution's";
        var named = trusted.Configuration.Members
            .SelectMany(m => m.Replicas)
            .Where(r => leaf.MatchesHostname(_directory.HostOf(r)))
            .ToList();
        if (issuers.Any(issuer => named.Count > 0 && named.All(r => issuer.Replicas.Contains(r, StringComparer.Ordinal))))
            return null;
        var foreign = named.FirstOrDefault(r => !issuers.Any(i => i.Replicas.Contains(r, StringComparer.Ordinal)));
        return foreign is null
            ? $"it is issued by the CA of {issuers[0].Name} but names none of its replicas"
            : $"it is issued by the CA of {issuers[0].Name} but names replica '{foreign}', run by {trusted.Configuration.MemberRunning(foreign)?.Name}";
    }

    private sealed class TrustedMembers
    {
        internal TrustedMembers(ConsortiumConfiguration configuration)
        {
            Configuration = configuration;
            Authorities = [.. configuration.Members.Select(m => m.Authority()).OfType<X509Certificate2>()];
        }

        internal ConsortiumConfiguration Configuration { get; }

        internal X509Certificate2Collection Authorities { get; }
    }
}
