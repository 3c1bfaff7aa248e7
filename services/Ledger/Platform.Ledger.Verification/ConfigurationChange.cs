using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// One accepted change of a consortium's configuration, with the evidence that authorised it: the signed proposal
/// and the signed ballots the ledger applied on it (the accepting one last). The ledger records it when the accepting
/// ballot is applied and serves the list at <c>GET /consortium/history</c>; <c>ledger audit</c> checks it
/// (<see cref="ConfigurationHistory.Verify"/>) instead of trusting the replica that served it.
/// </summary>
/// <param name="Version">The configuration version the change produced (the founding one is 1).</param>
/// <param name="TreeSize">
/// The ledger's tree size when the change took effect: a checkpoint larger than this was taken after it, so only this
/// configuration (or a later one) can make it final.
/// </param>
/// <param name="Proposal">The proposal document, signed by its proposer.</param>
/// <param name="Ballots">Every ballot applied on the proposal, in log order.</param>
/// <param name="Configuration">The configuration the change produced, as the ledger holds it.</param>
public sealed record ConfigurationChange(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("treeSize")] long TreeSize,
    [property: JsonPropertyName("proposal")] SignedGovernanceDocument Proposal,
    [property: JsonPropertyName("ballots")] IReadOnlyList<SignedGovernanceDocument> Ballots,
    [property: JsonPropertyName("configuration")] ConsortiumConfiguration Configuration);
