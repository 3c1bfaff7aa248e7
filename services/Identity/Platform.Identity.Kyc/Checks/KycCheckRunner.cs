namespace Platform.Identity.Kyc;

/// <summary>
/// Runs every automated check on an application and routes the result (<see cref="RiskPolicy"/>). Stateless and
/// thread-safe; "today" is the UTC date of the injected clock. The duplicate lookup is a callback because only the
/// service knows which accounts hold which fingerprint; it receives the fingerprint, never the document number.
/// </summary>
public sealed class KycCheckRunner
{
    private readonly KycCheckOptions options;
    private readonly SanctionsList sanctions;
    private readonly IdentityFingerprinter fingerprinter;
    private readonly TimeProvider time;

    public KycCheckRunner(KycCheckOptions options, SanctionsList sanctions, IdentityFingerprinter fingerprinter, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sanctions);
        ArgumentNullException.ThrowIfNull(fingerprinter);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinimumAge, nameof(options));
        this.options = options;
        this.sanctions = sanctions;
        this.fingerprinter = fingerprinter;
        this.time = time;
    }

    /// <param name="ownersWithFingerprint">The ids of every account (the applicant's included or not) already holding a fingerprint.</param>
    public KycAssessment Run(KycApplication application, Func<IdentityFingerprint, IReadOnlyCollection<string>> ownersWithFingerprint)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(ownersWithFingerprint);
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var weights = options.Weights;

        var parse = MrzParser.Parse(application.Mrz ?? string.Empty, today);
        var integrity = MrzIntegrityCheck.Evaluate(parse, options.AcceptSpecimenDocuments, weights);

        // Everything downstream trusts the MRZ only if the integrity check passed (a specimen counts as no document).
        var document = integrity.Passed ? parse.Document : null;
        var fingerprint = document is null ? null : fingerprinter.Compute(document);
        var owners = fingerprint is null ? [] : ownersWithFingerprint(fingerprint);
        var (sanctionsHit, pepHit) = ScreeningCheck.Evaluate(application.Form, document, sanctions, options.Screening, weights);

        CheckResult[] checks =
        [
            integrity,
            DocumentExpiryCheck.Evaluate(document, today, weights),
            MinimumAgeCheck.Evaluate(document, today, options.MinimumAge, weights),
            FormConsistencyCheck.Evaluate(application.Form, document, weights),
            sanctionsHit,
            pepHit,
            DuplicateIdentityCheck.Evaluate(fingerprint, owners, application.OwnerId, weights),
        ];

        var (score, route) = options.Policy.Route(checks);
        return new KycAssessment(checks, score, route, now, fingerprint, document is null ? null : DocumentSummary.From(document));
    }
}
