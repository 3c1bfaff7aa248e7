namespace Platform.Consent.Core;

/// <summary>A consent on which the live store and a rebuild disagree; a null hash means that side lacks the consent.</summary>
public sealed record ProjectionDifference(Guid ConsentId, string? LiveHash, string? RebuiltHash);
