namespace Platform.Identity.Kyc;

/// <summary>
/// Runs every automated check on an application and routes the result (<see cref="RiskPolicy"/>). Stateless and
/// thread-safe; "today" is the UTC date of the injected clock. The duplicate lookup is a callback because only the
/// service knows which accounts hold which fingerprint; it receives the fingerprint, never the document number.
/// </summary>
public sealed class KycCheckRunner
{
    private readonly KycCheckOptions _options;
    private readonly SanctionsList _sanctions;
    private readonly IdentityFingerprinter _fingerprinter;
    private readonly TimeProvider _time;

    public KycCheckRunner(KycCheckOptions options, SanctionsList sanctions, IdentityFingerprinter fingerprinter, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sanctions);
        ArgumentNullException.ThrowIfNull(fingerprinter);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinimumAge, nameof(options));
        _options = options;
        _sanctions = sanctions;
        _fingerprinter = fingerprinter;
        _time = time;
    }

    /// <param name="ownersWithFingerprint">The ids of every account (the applicant's included or not) already holding a fingerprint.</param>
    public KycAssessment Run(KycApplication application, Func<IdentityFingerprint, IReadOnlyCollection<string>> ownersWithFingerprint)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(ownersWithFingerprint);
        var now = _time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var weights = _options.Weights;

        var parse = MrzParser.Parse(application.Mrz ?? string.Empty, today);
        var integrity = MrzIntegrityCheck.Evaluate(parse, _options.AcceptSpecimenDocuments, weights);

        // Everything downstream trusts the MRZ only if the integrity check passed (a specimen counts as no document).
        var document = integrity.Passed ? parse.Document : null;
        var fingerprint = document is null ? null : _fingerprinter.Compute(document);
        var owners = fingerprint is null ? [] : ownersWithFingerprint(fingerprint);
        var (sanctionsHit, pepHit) = ScreeningCheck.Evaluate(application.Form, document, _sanctions, _options.Screening, weights);

        CheckResult[] checks =
        [
            integrity,
            DocumentExpiryCheck.Evaluate(document, today, weights),
            MinimumAgeCheck.Evaluate(document, today, _options.MinimumAge, weights),
            FormConsistencyCheck.Evaluate(application.Form, document, weights),
            sanctionsHit,
            pepHit,
            DuplicateIdentityCheck.Evaluate(fingerprint, owners, application.OwnerId, weights),
        ];

        var (score, route) = _options.Policy.Route(checks);
        return new KycAssessment(checks, score, route, now, fingerprint, document is null ? null : DocumentSummary.From(document));
    }
}
