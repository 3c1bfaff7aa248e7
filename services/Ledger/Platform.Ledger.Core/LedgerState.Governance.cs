using Platform.Ledger.Verification;

namespace Platform.Ledger.Core;

/// <summary>
/// Governance of a consortium ledger (docs/consortium.md, "Governance"): member institutions propose configuration
/// changes and vote with signed ballots, all as log entries, so every replica reaches the same configuration by
/// applying them. A proposal applies when a majority of the member institutions of the configuration it was made
/// against voted for it (each institution once); a minority can never reach that. Anything that does not hold is
/// ignored by every replica alike, and the reason is remembered for the replica that relays the document.
/// </summary>
public sealed partial class LedgerState
{
    // Under _gate. Version n is _configurations[n - 1]; the last one is _consortium.
    private readonly List<ConsortiumConfiguration> _configurations = [];
    private readonly Dictionary<string, GovernanceProposal> _proposals = new(StringComparer.Ordinal);
    // The signed documents of each open proposal (the proposal, then its ballots): the evidence of a change once
    // accepted. _changes: every accepted change with that evidence, oldest first.
    private readonly Dictionary<string, List<SignedGovernanceDocument>> _openDocuments = new(StringComparer.Ordinal);
    private readonly List<ConfigurationChange> _changes = [];
    // Why each relayed document was refused (null: taken), by its signature, for the replica answering the caller.
    private readonly Dictionary<string, string?> _governanceOutcomes = new(StringComparer.Ordinal);
    // The newest leader timestamp applied (blocks, governance): the ledger's own clock for expiry, the same on every replica.
    private long _ledgerTime;

    /// <summary>Every configuration the consortium had, oldest (the founding one) first; empty without a consortium.</summary>
    public IReadOnlyList<ConsortiumConfiguration> Configurations
    {
        get
        {
            lock (_gate)
            {
                return [.. _configurations];
            }
        }
    }

    /// <summary>
    /// The founding configuration and every accepted change since, with the tree size it took effect at and its signed
    /// proposal and ballots (what <c>ledger audit</c> verifies), read at one point of the log; null without a consortium.
    /// </summary>
    public ConfigurationHistory? History()
    {
        lock (_gate)
        {
            return _configurations.Count == 0 ? null : new ConfigurationHistory(_configurations[0].LedgerId, _configurations[0], [.. _changes]);
        }
    }

    /// <summary>The version of the configuration in force (1 = the founding one), 0 without a consortium.</summary>
    public int ConfigurationVersion
    {
        get
        {
            lock (_gate)
            {
                return _configurations.Count;
            }
        }
    }

    /// <summary>Every proposal, oldest first (an open one past its end shows as expired).</summary>
    public IReadOnlyList<GovernanceProposal> Proposals()
    {
        lock (_gate)
        {
            return [.. _proposals.Values.Select(Shown)];
        }
    }

    public GovernanceProposal? Proposal(string id)
    {
        lock (_gate)
        {
            return _proposals.TryGetValue(id, out var proposal) ? Shown(proposal) : null;
        }
    }

    /// <summary>Why a relayed document was refused on apply (null: it took effect); unknown until applied here.</summary>
    public bool TryGetGovernanceOutcome(SignedGovernanceDocument document, out string? refusal)
    {
        lock (_gate)
        {
            return _governanceOutcomes.TryGetValue(document.Signature, out refusal);
        }
    }

    /// <summary>Why the document would be refused now, or null (checked before relaying; applying checks again).</summary>
    public string? GovernanceProblem(SignedGovernanceDocument document, long now)
    {
        lock (_gate)
        {
            return Check(document, Math.Max(now, _ledgerTime)).Problem;
        }
    }

    // Under _gate. The configuration a receipt carries: the newest one a majority of whose members signed its
    // checkpoint (a checkpoint final before a change verifies against the configuration of its time).
    private ConsortiumConfiguration? ConfigurationOf(SignedCheckpoint checkpoint)
    {
        if (_configurations.Count <= 1)
        {
            return _consortium;
        }
        for (var i = _configurations.Count - 1; i >= 0; i--)
        {
            if (ConsortiumVerifier.VerifyQuorum(checkpoint, _configurations[i]).IsValid)
            {
                return _configurations[i];
            }
        }
        return _consortium;
    }

    private GovernanceProposal Shown(GovernanceProposal proposal) =>
        proposal.Status == GovernanceProposal.Open && _ledgerTime >= proposal.ExpiresAt ? proposal with { Status = GovernanceProposal.Expired } : proposal;

    // Under _gate.
    private void Govern(SignedGovernanceDocument document, long timestamp)
    {
        _ledgerTime = Math.Max(_ledgerTime, timestamp);
        var (payload, problem) = Check(document, _ledgerTime);
        if (problem is null)
        {
            switch (payload!.Kind)
            {
                case GovernancePayload.Proposal:
                    _proposals[payload.ProposalId] = new GovernanceProposal(payload.ProposalId, payload.Member, payload.Actions!,
                        _configurations.Count, payload.ExpiresAt!.Value, new Dictionary<string, string>(StringComparer.Ordinal), GovernanceProposal.Open);
                    _openDocuments[payload.ProposalId] = [document];
                    break;
                case GovernancePayload.Ballot:
                    Vote(_proposals[payload.ProposalId], payload.Member, payload.Vote!, document);
                    break;
                case GovernancePayload.Withdrawal:
                    _proposals[payload.ProposalId] = _proposals[payload.ProposalId] with { Status = GovernanceProposal.Withdrawn };
                    _openDocuments.Remove(payload.ProposalId);
                    break;
            }
        }
        else if (payload is not null && _proposals.TryGetValue(payload.ProposalId, out var stale) && stale.Status == GovernanceProposal.Open
                 && (_ledgerTime >= stale.ExpiresAt))
        {
            _proposals[stale.Id] = stale with { Status = GovernanceProposal.Expired };
            _openDocuments.Remove(stale.Id);
        }
        if (_governanceOutcomes.Count > 10_000)
        {
            _governanceOutcomes.Clear(); // only the relaying replica asks, right after applying
        }
        _governanceOutcomes[document.Signature] = problem;
    }

    private void Vote(GovernanceProposal proposal, string member, string vote, SignedGovernanceDocument ballot)
    {
        // A proposal opened before a snapshot that kept no documents (written by an earlier version) has none.
        var documents = _openDocuments.GetValueOrDefault(proposal.Id);
        documents?.Add(ballot);
        var ballots = new Dictionary<string, string>(proposal.Ballots, StringComparer.Ordinal) { [member] = vote };
        var consortium = _consortium!;
        var favour = ballots.Values.Count(v => v == GovernancePayload.For);
        var undecided = consortium.Members.Count - ballots.Count;
        var status = GovernanceProposal.Open;
        if (favour >= consortium.Majority)
        {
            var (next, _) = consortium.With(proposal.Actions); // checked when proposed, against this same configuration
            if (documents is [var proposed, .. var voted])
            {
                _changes.Add(new ConfigurationChange(_configurations.Count + 1, _tree.Size, proposed, voted, next!));
            }
            Reconfigure(next!);
            status = GovernanceProposal.Accepted;
        }
        else if (favour + undecided < consortium.Majority)
        {
            status = GovernanceProposal.Rejected; // a majority can no longer be reached
        }
        if (status != GovernanceProposal.Open)
        {
            _openDocuments.Remove(proposal.Id);
        }
        _proposals[proposal.Id] = proposal with { Ballots = ballots, Status = status };
    }

    private void Reconfigure(ConsortiumConfiguration next)
    {
        _configurations.Add(next);
        _consortium = next;
        // A removed member's keys, or a rotated-out key, stop counting from this entry on (AddSignature verifies
        // against these); checkpoints already final stay final.
        _replicaKeys = [.. next.Keys];
        foreach (var open in _proposals.Values.Where(p => p.Status == GovernanceProposal.Open).ToList())
        {
            _proposals[open.Id] = open with { Status = GovernanceProposal.Superseded };
            _openDocuments.Remove(open.Id);
        }
    }

    // Under _gate: the same answer on every replica for the same entry.
    private (GovernancePayload? Payload, string? Problem) Check(SignedGovernanceDocument document, long now)
    {
        if (_consortium is not { } consortium)
            return (null, "This ledger is not run by a consortium.");
        var (read, unauthorised) = document.Authorship(consortium);
        if (unauthorised is not null)
            return (read, unauthorised);
        var payload = read!;
        if (payload.Kind == GovernancePayload.Proposal)
        {
            if (_proposals.ContainsKey(payload.ProposalId))
                return (payload, $"A proposal '{payload.ProposalId}' exists already.");
            if (payload.ExpiresAt is not { } expiresAt || expiresAt <= now)
                return (payload, "expiresAt (Unix milliseconds) must be in the future.");
            return consortium.With(payload.Actions) is (null, var problem) ? (payload, problem) : (payload, null);
        }
        if (!_proposals.TryGetValue(payload.ProposalId, out var proposal))
            return (payload, $"No proposal '{payload.ProposalId}'.");
        if (Shown(proposal).Status != GovernanceProposal.Open || now >= proposal.ExpiresAt)
            return (payload, $"Proposal '{proposal.Id}' is not open (it is {(now >= proposal.ExpiresAt && proposal.Status == GovernanceProposal.Open ? GovernanceProposal.Expired : proposal.Status)}).");
        return payload.Kind switch
        {
            GovernancePayload.Ballot when payload.Vote is not (GovernancePayload.For or GovernancePayload.Against) =>
                (payload, "vote must be 'for' or 'against'."),
            GovernancePayload.Ballot when proposal.Ballots.ContainsKey(payload.Member) =>
                (payload, $"'{payload.Member}' has voted on proposal '{proposal.Id}' already."),
            GovernancePayload.Ballot => (payload, null),
            GovernancePayload.Withdrawal when payload.Member != proposal.Proposer =>
                (payload, $"Only the proposer ('{proposal.Proposer}') can withdraw proposal '{proposal.Id}'."),
            GovernancePayload.Withdrawal => (payload, null),
            _ => (payload, $"kind '{payload.Kind}' is not proposal, ballot or withdrawal."),
        };
    }
}
