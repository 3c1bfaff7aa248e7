using System.Text.Json.Serialization;

namespace Platform.Contracts.Decisions;

/// <summary>
/// The consent service's answer to <c>POST /decisions</c>: <c>{decisionId, decision, reason, consentId, consentVersion}</c>
/// (docs/consent.md), with <paramref name="Decision"/> one of <see cref="DecisionOutcomes"/> and the consent version
/// that decided (the permitting one, or the one that came closest to permitting), if any.
/// </summary>
public sealed record DecisionResponse(Guid DecisionId, string Decision, string Reason, Guid? ConsentId, int? ConsentVersion)
{
    /// <summary>Whether the answer lets the access go ahead (permit or break-glass). Not on the wire.</summary>
    [JsonIgnore]
    public bool Permits => DecisionOutcomes.Permits(Decision);

    /// <summary>
    /// Whether the answer decides anything: an id, a known outcome and a reason. JSON leaves a missing property at its
    /// default, so an answer that lacks one of them is told apart here rather than read as a deny with no reason.
    /// </summary>
    [JsonIgnore]
    public bool IsWellFormed => DecisionId != Guid.Empty && DecisionOutcomes.IsKnown(Decision) && !string.IsNullOrEmpty(Reason);
}
