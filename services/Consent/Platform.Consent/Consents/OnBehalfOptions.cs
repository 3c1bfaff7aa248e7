using Platform.Consent.Core;

namespace Platform.Consent.Consents;

/// <summary><c>Consent:OnBehalf</c>: how long a proposal waits for its second admin (default 24 h, at most 7 days).</summary>
public sealed class OnBehalfOptions
{
    public TimeSpan ProposalLifetime { get; set; } = OnBehalfProposal.DefaultLifetime;

    public bool IsValid => ProposalLifetime > TimeSpan.Zero && ProposalLifetime <= OnBehalfProposal.MaxLifetime;
}
