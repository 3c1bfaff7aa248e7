using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// A consortium ledger's configuration history as a replica serves it (<c>GET /consortium/history</c>): the founding
/// configuration and every accepted change with its signed proposal and ballots. Nothing in it is taken on trust:
/// <see cref="Verify"/> starts from the founding configuration the auditor's institution agreed to and checks each
/// change the way the ledger itself applied it (<see cref="SignedGovernanceDocument.Authorship"/>,
/// <see cref="ConsortiumConfiguration.With"/>, a majority of the configuration the proposal was made against).
/// </summary>
public sealed record ConfigurationHistory(
    [property: JsonPropertyName("ledgerId")] string LedgerId,
    [property: JsonPropertyName("founding")] ConsortiumConfiguration Founding,
    [property: JsonPropertyName("changes")] IReadOnlyList<ConfigurationChange> Changes)
{
    /// <summary>
    /// The configurations this history proves, from <paramref name="anchor"/> (version 1) on, up to the first change
    /// that does not hold; that change (null when the founding itself differs) and why, or nulls when all hold.
    /// </summary>
    public (IReadOnlyList<ConfigurationEpoch> Epochs, ConfigurationChange? Refused, string? Problem) Verify(ConsortiumConfiguration anchor)
    {
        List<ConfigurationEpoch> epochs = [new ConfigurationEpoch(1, 0, anchor)];
        if (!SameJson(Founding, anchor))
            return (epochs, null, "Its founding configuration is not the one given as the trust anchor.");
        foreach (var change in Changes)
        {
            var current = epochs[^1];
            if (Problem(change, current) is { } problem)
                return (epochs, change, $"Change to version {change.Version}: {problem}");
            epochs.Add(new ConfigurationEpoch(change.Version, change.TreeSize, change.Configuration));
        }
        return (epochs, null, null);
    }

    internal static bool SameJson<T>(T one, T other) => JsonSerializer.Serialize(one) == JsonSerializer.Serialize(other);

    // Why the change does not follow from the configuration in force before it, or null when it does.
    private static string? Problem(ConfigurationChange change, ConfigurationEpoch current)
    {
        var consortium = current.Configuration;
        if (change.Version != current.Version + 1)
            return $"it does not follow version {current.Version}.";
        if (change.TreeSize < current.FromTreeSize)
            return $"its tree size {change.TreeSize} is below the previous change's ({current.FromTreeSize}).";
        if (change.Proposal?.Authorship(consortium) is not (var proposal, var unauthorised))
            return "it has no proposal.";
        if (unauthorised is not null || proposal!.Kind != GovernancePayload.Proposal)
            return $"the proposal does not hold under version {current.Version}: {unauthorised ?? "it is not a proposal."}";
        if (consortium.With(proposal.Actions) is (null, var unusable))
            return $"the proposal's actions cannot apply to version {current.Version}: {unusable}";
        var voters = new HashSet<string>(StringComparer.Ordinal);
        var favour = 0;
        foreach (var ballot in change.Ballots ?? [])
        {
            var (vote, problem) = ballot.Authorship(consortium);
            if (problem is not null)
                return $"a ballot does not hold under version {current.Version}: {problem}";
            if (vote!.Kind != GovernancePayload.Ballot || vote.ProposalId != proposal.ProposalId
                || vote.Vote is not (GovernancePayload.For or GovernancePayload.Against))
                return $"a document among the ballots is not a for/against ballot on proposal '{proposal.ProposalId}'.";
            if (!voters.Add(vote.Member))
                return $"'{vote.Member}' voted twice.";
            favour += vote.Vote == GovernancePayload.For ? 1 : 0;
        }
        if (favour < consortium.Majority)
            return $"only {favour} of the {consortium.Members.Count} member institutions of version {current.Version} signed a ballot for proposal '{proposal.ProposalId}'; a majority needs {consortium.Majority}.";
        return SameJson(consortium.With(proposal.Actions).Next, change.Configuration)
            ? null
            : $"the configuration served is not the one proposal '{proposal.ProposalId}' gives.";
    }
}
