namespace Platform.Consent.Core;

/// <summary>Where a research organisation's verification stands; only <see cref="Verified"/> may declare studies.</summary>
public enum OrganisationStatus
{
    Pending,
    Verified,
    Rejected,
}
