namespace Platform.Identity.Kyc;

/// <summary>Passes when the MRZ parsed with every check digit valid and is not an ICAO specimen (unless specimens are accepted, for test systems).</summary>
public static class MrzIntegrityCheck
{
    public static CheckResult Evaluate(MrzParseResult parse, bool acceptSpecimen, RiskWeights weights)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(weights);
        if (!parse.IsValid)
        {
            var problems = parse.Problems.Select(p => p.Code).Distinct(StringComparer.Ordinal).ToArray();
            return CheckResult.Fail(KycCheckCodes.MrzIntegrity, KycCheckReasons.MrzInvalid, weights.MrzIntegrity, problems);
        }

        return parse.Document.IsSpecimen && !acceptSpecimen
            ? CheckResult.Fail(KycCheckCodes.MrzIntegrity, KycCheckReasons.SpecimenDocument, weights.MrzIntegrity)
            : CheckResult.Pass(KycCheckCodes.MrzIntegrity);
    }
}
