namespace Platform.RecordVault.Core.Research;

/// <summary>How dates leave the vault; every other Safe Harbor rule applies at both levels.</summary>
public enum DeidentificationLevel
{
    /// <summary>
    /// Literal Safe Harbor: every date related to the participant is cut to its year (an <c>instant</c>, which FHIR
    /// requires to be precise, is dropped). Intervals between events are lost.
    /// </summary>
    SafeHarbor,

    /// <summary>
    /// Dates keep their precision but move by a per-participant offset (1 to 182 days either way, from the study's
    /// key), so intervals within a participant's history survive; birth dates are still cut to the year. This is not
    /// literal Safe Harbor (which allows no day or month): a study needs its ethics approval to cover it, and the
    /// offsets are only as secret as the study key.
    /// </summary>
    ShiftedDates,
}
