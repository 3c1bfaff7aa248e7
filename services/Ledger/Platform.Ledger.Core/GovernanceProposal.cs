using System.Text.Json.Serialization;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Core;

/// <summary>A proposal as the ledger holds it: what it changes, who voted how, and where it stands.</summary>
/// <param name="ConfigurationVersion">The configuration it was made against: it can only apply to that one.</param>
/// <param name="Ballots">Member institution → <c>for</c> / <c>against</c> (one ballot each).</param>
/// <param name="Status"><c>open</c>, <c>accepted</c>, <c>rejected</c>, <c>withdrawn</c>, <c>expired</c> or <c>superseded</c> (another proposal changed the configuration first).</param>
public sealed record GovernanceProposal(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("proposer")] string Proposer,
    [property: JsonPropertyName("actions")] IReadOnlyList<GovernanceAction> Actions,
    [property: JsonPropertyName("configurationVersion")] int ConfigurationVersion,
    [property: JsonPropertyName("expiresAt")] long ExpiresAt,
    [property: JsonPropertyName("ballots")] IReadOnlyDictionary<string, string> Ballots,
    [property: JsonPropertyName("status")] string Status)
{
    public const string Open = "open";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Expired = "expired";
    public const string Superseded = "superseded";
}
