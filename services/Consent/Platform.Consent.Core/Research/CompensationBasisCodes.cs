namespace Platform.Consent.Core;

/// <summary>The wire and storage codes of <see cref="CompensationBasis"/>: <c>per-participant</c>, <c>per-export</c>.</summary>
public static class CompensationBasisCodes
{
    public const string PerParticipant = "per-participant";
    public const string PerExport = "per-export";

    public static string ToCode(CompensationBasis basis) => basis switch
    {
        CompensationBasis.PerParticipant => PerParticipant,
        CompensationBasis.PerExport => PerExport,
        _ => throw new ArgumentOutOfRangeException(nameof(basis)),
    };

    public static bool TryParse(string? code, out CompensationBasis basis)
    {
        switch (code)
        {
            case PerParticipant:
                basis = CompensationBasis.PerParticipant;
                return true;
            case PerExport:
                basis = CompensationBasis.PerExport;
                return true;
            default:
                basis = default;
                return false;
        }
    }
}
