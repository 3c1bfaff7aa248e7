using System.Text.RegularExpressions;

namespace Platform.Consent.Core;

/// <summary>
/// The compensation a study offers: an amount in the currency's minor units (cents, pence) per participant or per
/// export. An accounting promise shown to patients and credited on the ledger, not a payment.
/// </summary>
public sealed partial record StudyCompensation(CompensationBasis Basis, long AmountMinor, string Currency)
{
    /// <summary>A ceiling that catches unit mistakes (euros typed as cents, or the reverse): 1,000,000.00.</summary>
    public const long MaxAmountMinor = 100_000_000;

    public static ConsentError? Check(StudyCompensation? compensation) => compensation switch
    {
        null => null,
        { AmountMinor: <= 0 or > MaxAmountMinor } => new ConsentError(ResearchErrorCodes.InvalidCompensation,
            $"A compensation amount is more than 0 and at most {MaxAmountMinor} minor units."),
        { Currency: var c } when c is null || !CurrencyShape().IsMatch(c) => new ConsentError(ResearchErrorCodes.InvalidCompensation,
            "The currency is an ISO 4217 code in upper case, e.g. EUR or GBP."),
        { Basis: not (CompensationBasis.PerParticipant or CompensationBasis.PerExport) } => new ConsentError(ResearchErrorCodes.InvalidCompensation,
            "Compensation is per participant or per export."),
        _ => null,
    };

    [GeneratedRegex("^[A-Z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyShape();
}
