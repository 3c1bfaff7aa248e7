namespace Platform.Identity.Kyc;

/// <summary>Everything configurable about the automated checks and the routing that follows them.</summary>
public sealed record KycCheckOptions
{
    /// <summary>Minimum age in completed years on the day of the check.</summary>
    public int MinimumAge { get; init; } = 18;

    /// <summary>Accept ICAO specimen documents (state <c>UTO</c>). Only for test and demo systems.</summary>
    public bool AcceptSpecimenDocuments { get; init; }

    public ScreeningOptions Screening { get; init; } = new();

    public RiskWeights Weights { get; init; } = new();

    public RiskPolicy Policy { get; init; } = new();
}
