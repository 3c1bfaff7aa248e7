namespace Platform.Identity.Kyc;

/// <summary>Level of assurance of a verified identity, in the style of eIDAS (Regulation 910/2014, Art. 8): low, substantial, high.</summary>
public enum AssuranceLevel
{
    /// <summary>Not verified: no approved case.</summary>
    None = 0,
    Low = 1,
    Substantial = 2,
    High = 3,
}
