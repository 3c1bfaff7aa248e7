using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// Who runs a consortium ledger: the member institutions, each with its replicas, the public keys its replicas sign
/// checkpoints with (held in the institution's own key provider) and the CA that issues its replicas' TLS
/// certificates; and the quorum rule. It is the ledger's first configuration state (the founding entry), the set of
/// CAs mutual TLS between replicas trusts, and what <c>ledger verify --consortium</c> and <c>ledger audit</c> check
/// checkpoints against. Format in docs/consortium.md.
/// </summary>
public sealed record ConsortiumConfiguration(
    [property: JsonPropertyName("ledgerId")] string LedgerId,
    [property: JsonPropertyName("quorum")] string Quorum,
    [property: JsonPropertyName("members")] IReadOnlyList<ConsortiumMember> Members)
{
    /// <summary>The only rule so far: a checkpoint is final when more than half of the member institutions signed it.</summary>
    public const string MajorityOfMembers = "majority-of-members";

    /// <summary>How many distinct member institutions a final checkpoint needs.</summary>
    public int Majority => (Members.Count / 2) + 1;

    /// <summary>Every member's checkpoint keys (each names the replica that signs with it).</summary>
    public IEnumerable<ReplicaKey> Keys => Members.SelectMany(m => m.CheckpointKeys);

    /// <summary>The member institution a signature by this replica and key counts for, or null when no member holds that key.</summary>
    public ConsortiumMember? MemberOf(string replica, string kid) =>
        Members.FirstOrDefault(m => m.Replicas.Contains(replica, StringComparer.Ordinal)
            && m.CheckpointKeys.Any(k => k.Replica == replica && k.Kid == kid));

    /// <summary>The member institution that runs a replica, or null.</summary>
    public ConsortiumMember? MemberRunning(string replica) =>
        Members.FirstOrDefault(m => m.Replicas.Contains(replica, StringComparer.Ordinal));

    /// <summary>
    /// The configuration after a proposal's actions, applied in order, and the reason when they cannot apply (an
    /// unknown or duplicate member, a result with a problem, such as no member left).
    /// </summary>
    public (ConsortiumConfiguration? Next, string? Problem) With(IReadOnlyList<GovernanceAction>? actions)
    {
        if (actions is not { Count: > 0 })
            return (null, "A proposal needs at least one action.");
        var members = Members.ToList();
        foreach (var action in actions)
        {
            switch (action.Kind)
            {
                case GovernanceAction.Admit when action.Member is { } admitted:
                    if (members.Any(m => m.Name == admitted.Name))
                        return (null, $"'{admitted.Name}' is a member already.");
                    members.Add(admitted);
                    break;
                case GovernanceAction.Remove when action.Name is { } name:
                    if (members.RemoveAll(m => m.Name == name) == 0)
                        return (null, $"'{name}' is not a member.");
                    break;
                case GovernanceAction.Rotate when action.Member is { } rotated:
                    var at = members.FindIndex(m => m.Name == rotated.Name);
                    if (at < 0)
                        return (null, $"'{rotated.Name}' is not a member.");
                    members[at] = rotated;
                    break;
                default:
                    return (null, $"Action '{action.Kind}' is not admit (with member), remove (with name) or rotate (with member).");
            }
        }
        var next = this with { Members = members };
        return next.Problem() is { } problem ? (null, "The resulting configuration is unusable: " + problem) : (next, null);
    }

    /// <summary>Why this configuration cannot found a consortium, or null when it can.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(LedgerId))
            return "ledgerId is required.";
        if (Quorum != MajorityOfMembers)
            return $"quorum '{Quorum}' is not supported (only {MajorityOfMembers}).";
        if (Members is not { Count: > 0 })
            return "A consortium needs at least one member institution.";
        var names = new HashSet<string>(StringComparer.Ordinal);
        var replicas = new HashSet<string>(StringComparer.Ordinal);
        var kids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in Members)
        {
            if (string.IsNullOrWhiteSpace(member.Name) || !names.Add(member.Name))
                return $"Member names must be present and distinct ('{member.Name}').";
            if (member.Replicas is not { Count: > 0 } || member.Replicas.Any(r => string.IsNullOrWhiteSpace(r) || !replicas.Add(r)))
                return $"Member '{member.Name}' needs replicas, each run by one member only.";
            if (member.CheckpointKeys is not { Count: > 0 })
                return $"Member '{member.Name}' has no checkpoint key.";
            foreach (var key in member.CheckpointKeys)
            {
                if (!member.Replicas.Contains(key.Replica, StringComparer.Ordinal))
                    return $"Member '{member.Name}' lists a key for replica '{key.Replica}', which it does not run.";
                if (key.TryGetJwk() is null)
                    return $"Member '{member.Name}': key '{key.Kid}' is not an EC P-256 public key.";
                if (string.IsNullOrWhiteSpace(key.Kid) || !kids.Add(key.Kid))
                    return $"Member '{member.Name}': key ids must be present and distinct ('{key.Kid}').";
            }
            if (member.Authority() is null)
                return $"Member '{member.Name}': caCertificate is not a PEM certificate.";
            foreach (var address in member.Endpoints ?? [])
            {
                if (address.Problem(member) is { } problem)
                    return problem;
            }
        }
        return null;
    }
}

/// <summary>One member institution of a consortium.</summary>
/// <param name="Name">Shown in receipts and by <c>ledger verify</c> (e.g. "Hôpital Saint-Louis").</param>
/// <param name="Replicas">The ledger replicas this institution runs (their <c>Ledger:ReplicaName</c>s).</param>
/// <param name="CheckpointKeys">The public keys its replicas sign checkpoints with.</param>
/// <param name="CaCertificate">PEM of the CA that issues its replicas' Raft TLS certificates.</param>
/// <param name="Endpoints">
/// Where its replicas are reached (optional; absent in configurations written before membership followed
/// governance, and then left out when written, so their bytes do not change): what the other replicas add to the
/// Raft membership when the member is admitted, and dial. A replica without an entry is found in the reader's own
/// <c>Ledger:Replicas</c>.
/// </param>
public sealed record ConsortiumMember(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("replicas")] IReadOnlyList<string> Replicas,
    [property: JsonPropertyName("checkpointKeys")] IReadOnlyList<ReplicaKey> CheckpointKeys,
    [property: JsonPropertyName("caCertificate")] string CaCertificate,
    [property: JsonPropertyName("endpoints"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReplicaAddress>? Endpoints = null)
{
    /// <summary>The member's CA certificate, or null when <see cref="CaCertificate"/> is not one PEM certificate.</summary>
    public X509Certificate2? Authority()
    {
        try
        {
            return string.IsNullOrWhiteSpace(CaCertificate) ? null : X509Certificate2.CreateFromPem(CaCertificate);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
