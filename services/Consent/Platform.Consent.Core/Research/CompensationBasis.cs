namespace Platform.Consent.Core;

/// <summary>What a study's compensation is counted per: each participant once, or each participant in each export.</summary>
public enum CompensationBasis
{
    PerParticipant,
    PerExport,
}
