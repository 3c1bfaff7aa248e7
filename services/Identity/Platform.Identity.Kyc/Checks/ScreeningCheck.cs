namespace Platform.Identity.Kyc;

/// <summary>
/// Screens the applicant's names from the form and, when valid, the MRZ against the sanctions/PEP list and records
/// two results: <see cref="KycCheckCodes.SanctionsScreening"/> for hits on sanctions entries and
/// <see cref="KycCheckCodes.PepScreening"/> for hits on PEP entries (enhanced due diligence, not a bar). Details are
/// <c>source/entry-id score</c>, best first: list data only.
/// </summary>
public static class ScreeningCheck
{
    public static (CheckResult Sanctions, CheckResult Pep) Evaluate(
        KycFormData form,
        MrzDocument? document,
        SanctionsList list,
        ScreeningOptions options,
        RiskWeights weights)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(weights);
        var names = new List<string> { form.FullName };
        if (document is not null)
        {
            names.Add($"{document.SecondaryIdentifier} {document.PrimaryIdentifier}");
        }

        var hits = SanctionsScreener.Screen(list, names, document?.BirthDate ?? form.BirthDate, document?.NationalityCode ?? form.Nationality, options);
        return (
            Result(KycCheckCodes.SanctionsScreening, KycCheckReasons.SanctionsMatch, weights.SanctionsMatch, hits.Where(h => !h.IsPep)),
            Result(KycCheckCodes.PepScreening, KycCheckReasons.PepMatch, weights.PepMatch, hits.Where(h => h.IsPep)));
    }

    private static CheckResult Result(string code, string reason, int weight, IEnumerable<ScreeningHit> hits)
    {
        var details = hits.Select(h => FormattableString.Invariant($"{h.Source}/{h.EntryId} {h.Score:0.000}")).ToArray();
        return details.Length == 0 ? CheckResult.Pass(code) : CheckResult.Fail(code, reason, weight, details);
    }
}
