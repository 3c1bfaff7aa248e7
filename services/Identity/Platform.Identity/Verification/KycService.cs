using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Data;
using Platform.Identity.Kyc;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;

namespace Platform.Identity.Verification;

/// <summary>
/// Runs KYC cases: registration, evidence (encrypted before it is stored), automated checks, the reviewer's
/// decision. Every step is one workflow transition saved over the version it was loaded at, so two decisions on
/// one case cannot both win; an approval activates a waiting clinician account and publishes identity.verified.
/// </summary>
public sealed class KycService(
    IdentityServiceDbContext db,
    EvidenceCipher cipher,
    KycCheckRunner checks,
    UserManager<PlatformUser> users,
    IOptions<KycOptions> options,
    TimeProvider time)
{
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    public async Task<KycCase> StartAsync(string ownerId, CancellationToken cancellationToken)
    {
        var open = await db.KycCases.AsNoTracking()
            .Where(c => c.OwnerId == ownerId && c.State != nameof(KycCaseState.Approved) && c.State != nameof(KycCaseState.Rejected))
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null)
        {
            return Restore(open);
        }
        var change = KycProblems.Unwrap(KycCase.Register(Guid.NewGuid(), ownerId, Guid.NewGuid(), ownerId, time.GetUtcNow()));
        db.KycCases.Add(ToRow(change.Case, fingerprint: null));
        await db.SaveChangesAsync(cancellationToken);
        return change.Case;
    }

    public async Task<KycCase> SubmitAsync(Guid caseId, string ownerId, KycSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var row = await FindAsync(caseId, cancellationToken);
        var kycCase = Restore(row);
        if (kycCase.OwnerId != ownerId)
        {
            throw ProblemException.NotFound($"No KYC case {caseId}.");
        }
        var form = ReadForm(submission);
        var mrz = submission.Mrz?.Trim() is { Length: > 0 } m ? m : throw ProblemException.Unprocessable("mrz is required.", "mrz_required");
        if (mrz.Any(c => char.IsControl(c) && c is not ('\n' or '\r')))
        {
            throw ProblemException.Unprocessable("The MRZ may not contain control characters other than line breaks.", "control_characters");
        }
        var now = time.GetUtcNow();
        var commandId = submission.CommandId ?? Guid.NewGuid();
        var expected = submission.ExpectedVersion ?? kycCase.Version;

        // Evidence is encrypted before anything is stored; the case keeps only a reference to it.
        var application = await cipher.SealAsync(caseId, "application", "application/json",
            JsonSerializer.SerializeToUtf8Bytes(new { form, mrz }), now, cancellationToken);
        db.KycEvidence.Add(application);
        var kinds = EvidenceKinds.None;
        if (await SealImageAsync(caseId, "document-image", submission.DocumentImage, submission.DocumentImageType, now, cancellationToken) is { } document)
        {
            db.KycEvidence.Add(document);
            kinds |= EvidenceKinds.DocumentImage;
        }
        if (await SealImageAsync(caseId, "selfie", submission.Selfie, submission.SelfieType, now, cancellationToken) is { } selfie)
        {
            db.KycEvidence.Add(selfie);
            kinds |= EvidenceKinds.Selfie;
        }

        var submitted = KycProblems.Unwrap(kycCase.SubmitEvidence(new SubmitEvidenceCommand(commandId, expected, ownerId, application.Id.ToString("D"), kinds), now));
        if (submitted.Replayed)
        {
            db.ChangeTracker.Clear();
            return submitted.Case;
        }
        var running = KycProblems.Unwrap(submitted.Case.BeginChecks(new BeginChecksCommand(Guid.NewGuid(), submitted.Case.Version, "kyc-checks"), now));
        var fingerprints = await db.KycCases.AsNoTracking().Where(c => c.Fingerprint != null && c.Id != caseId)
            .Select(c => new { c.Fingerprint, c.OwnerId }).ToListAsync(cancellationToken);
        var assessment = checks.Run(new KycApplication(ownerId, form, mrz),
            fingerprint => fingerprints.Where(f => f.Fingerprint == fingerprint.Value).Select(f => f.OwnerId).Distinct().ToList());
        var completed = KycProblems.Unwrap(running.Case.CompleteChecks(new CompleteChecksCommand(Guid.NewGuid(), running.Case.Version, "kyc-checks", assessment), now));
        await SaveAsync(row, completed.Case, assessment.Fingerprint?.Value, cancellationToken);
        return completed.Case;
    }

    public async Task<KycCase> DecideAsync(Guid caseId, string reviewerId, KycDecisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decision = request.Decision switch
        {
            "approve" => KycDecision.Approve,
            "reject" => KycDecision.Reject,
            _ => throw ProblemException.Unprocessable("decision must be 'approve' or 'reject'.", "invalid_decision"),
        };
        var row = await FindAsync(caseId, cancellationToken);
        var kycCase = Restore(row);
        var changed = KycProblems.Unwrap(kycCase.Decide(new ReviewDecisionCommand(request.CommandId ?? Guid.NewGuid(),
            request.ExpectedVersion ?? kycCase.Version, reviewerId, decision, request.Reason ?? "", request.AllowResubmission), time.GetUtcNow()));
        if (!changed.Replayed)
        {
            await SaveAsync(row, changed.Case, row.Fingerprint, cancellationToken);
        }
        return changed.Case;
    }

    /// <summary>
    /// The OpenID Connect for Identity Assurance <c>verified_claims</c> object for the account's approved case (names,
    /// birthdate, nationality as verified, with the assurance level and evidence), or null when not verified.
    /// </summary>
    public async Task<JsonElement?> VerifiedClaimsAsync(string ownerId, CancellationToken cancellationToken)
    {
        if (await LatestVerifiedIdentityAsync(ownerId, cancellationToken) is not { } verified)
        {
            return null;
        }
        var built = VerifiedClaimsBuilder.Build(verified.Case, verified.Claims, VerifiedClaimSelection.All, new VerifiedClaimsOptions(options.Value.TrustFramework));
        return built.IsSuccess ? JsonDocument.Parse(built.Value!.ToJsonString()).RootElement.Clone() : null;
    }

    /// <summary>The account's most recently approved case and the identity it verified, or null when none is approved.</summary>
    public async Task<VerifiedIdentity?> LatestVerifiedIdentityAsync(string ownerId, CancellationToken cancellationToken)
    {
        var approved = await db.KycCases.AsNoTracking()
            .Where(c => c.OwnerId == ownerId && c.State == nameof(KycCaseState.Approved))
            .OrderByDescending(c => c.UpdatedAtMs).FirstOrDefaultAsync(cancellationToken);
        if (approved is null)
        {
            return null;
        }
        var application = (await OpenEvidenceAsync(approved.Id, cancellationToken)).Last(e => e.Row.Kind == "application");
        var form = JsonDocument.Parse(application.Content).RootElement.GetProperty("form");
        var claims = new VerifiedIdentityClaims(
            form.GetProperty("GivenNames").GetString(), form.GetProperty("FamilyName").GetString(),
            DateOnly.Parse(form.GetProperty("BirthDate").GetString()!, CultureInfo.InvariantCulture), form.GetProperty("Nationality").GetString());
        return new VerifiedIdentity(approved.Id, Restore(approved), claims);
    }

    /// <summary>The account's most recently changed case (open, approved or rejected), or null when it has none: the applicant's pages show it.</summary>
    public async Task<KycCase?> LatestForOwnerAsync(string ownerId, CancellationToken cancellationToken) =>
        await db.KycCases.AsNoTracking().Where(c => c.OwnerId == ownerId).OrderByDescending(c => c.UpdatedAtMs).FirstOrDefaultAsync(cancellationToken)
            is { } row ? Restore(row) : null;

    public async Task<KycCase> GetAsync(Guid caseId, CancellationToken cancellationToken) => Restore(await FindAsync(caseId, cancellationToken));

    public async Task<IReadOnlyList<KycCase>> ReviewQueueAsync(CancellationToken cancellationToken) =>
        (await db.KycCases.AsNoTracking().Where(c => c.State == nameof(KycCaseState.ManualReview)).OrderBy(c => c.UpdatedAtMs).ToListAsync(cancellationToken))
        .Select(Restore).ToList();

    /// <summary>Decrypts a case's evidence for a reviewer (the caller audits the access).</summary>
    public async Task<IReadOnlyList<(KycEvidenceRow Row, byte[] Content)>> OpenEvidenceAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var rows = await db.KycEvidence.AsNoTracking().Where(e => e.CaseId == caseId).OrderBy(e => e.CreatedAtMs).ToListAsync(cancellationToken);
        var opened = new List<(KycEvidenceRow, byte[])>();
        foreach (var row in rows)
        {
            opened.Add((row, await cipher.OpenAsync(row, cancellationToken)));
        }
        return opened;
    }

    private async Task SaveAsync(KycCaseRow row, KycCase updated, string? fingerprint, CancellationToken cancellationToken)
    {
        var fresh = ToRow(updated, fingerprint);
        row.State = fresh.State;
        row.Version = fresh.Version;
        row.Snapshot = fresh.Snapshot;
        row.Fingerprint = fresh.Fingerprint;
        row.UpdatedAtMs = fresh.UpdatedAtMs;
        if (updated.State is KycCaseState.Approved or KycCaseState.Rejected)
        {
            var approved = updated.State == KycCaseState.Approved;
            var level = approved ? AssuranceMapper.Map(updated).Code : null;
            db.AddIntegrationEvent(new IdentityVerifiedV1(updated.OwnerId, updated.Id, approved ? "approved" : "rejected", level), "identity");
            if (approved && await users.FindByIdAsync(updated.OwnerId) is { } owner &&
                await users.IsInRoleAsync(owner, PlatformRoles.Clinician) && owner.ClinicianActivatedAt is null && owner.LicenceNumber is not null)
            {
                // A verified identity activates a clinician whose licence is on record (issue: "or by a verified KYC result").
                owner.ClinicianActivatedAt = time.GetUtcNow();
                owner.ClinicianActivatedBy = "kyc";
            }
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict("The case changed at the same time; reload it and decide again.", KycErrorCodes.VersionConflict);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<KycCaseRow> FindAsync(Guid caseId, CancellationToken cancellationToken) =>
        await db.KycCases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken) ?? throw ProblemException.NotFound($"No KYC case {caseId}.");

    private async Task<KycEvidenceRow?> SealImageAsync(Guid caseId, string kind, string? base64, string? contentType, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return null;
        }
        if (contentType is not ("image/jpeg" or "image/png"))
        {
            throw new ProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status415UnsupportedMediaType, "Unsupported image type.",
                $"{kind} must be image/jpeg or image/png.", "unsupported_image_type");
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw ProblemException.Unprocessable($"{kind} is not base64.", "malformed_image");
        }
        if (bytes.Length > options.Value.MaxImageBytes)
        {
            throw new ProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status413PayloadTooLarge, "Too large.",
                $"{kind} is larger than {options.Value.MaxImageBytes} bytes.", "too_large");
        }
        return await cipher.SealAsync(caseId, kind, contentType, bytes, now, cancellationToken);
    }

    private static KycFormData ReadForm(KycSubmission s)
    {
        if (string.IsNullOrWhiteSpace(s.GivenNames) || string.IsNullOrWhiteSpace(s.FamilyName) || string.IsNullOrWhiteSpace(s.Nationality)
            || string.IsNullOrWhiteSpace(s.DocumentNumber) || s.GivenNames.Length > 100 || s.FamilyName.Length > 100 || s.DocumentNumber.Length > 20)
        {
            throw ProblemException.Unprocessable("givenNames, familyName (1-100 characters), nationality and documentNumber (1-20) are required.", "incomplete_form");
        }
        // A NUL or other control character is never part of a name or a document field; stored, it would reach the
        // reviewer's page, the screening and the credential (and PostgreSQL refuses NUL in text: a 500 there).
        if (new[] { s.GivenNames, s.FamilyName, s.Nationality, s.DocumentNumber, s.IssuingCountry }.Any(f => f is not null && f.Any(char.IsControl)))
        {
            throw ProblemException.Unprocessable("The form's fields may not contain control characters.", "control_characters");
        }
        if (!DateOnly.TryParseExact(s.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birthDate))
        {
            throw ProblemException.Unprocessable("birthDate must be a date as yyyy-MM-dd.", "malformed_birth_date");
        }
        return new KycFormData(s.GivenNames.Trim(), s.FamilyName.Trim(), birthDate, s.Nationality.Trim().ToUpperInvariant(), s.DocumentNumber.Trim(), s.IssuingCountry?.Trim().ToUpperInvariant());
    }

    private static KycCase Restore(KycCaseRow row)
    {
        var snapshot = JsonSerializer.Deserialize<KycCaseSnapshot>(row.Snapshot, SnapshotJson)
            ?? throw new InvalidDataException($"KYC case {row.Id} has no snapshot.");
        return KycProblems.Unwrap(KycCase.Restore(snapshot));
    }

    private KycCaseRow ToRow(KycCase kycCase, string? fingerprint) => new()
    {
        Id = kycCase.Id,
        OwnerId = kycCase.OwnerId,
        State = kycCase.State.ToString(),
        Version = kycCase.Version,
        Snapshot = JsonSerializer.Serialize(kycCase.ToSnapshot(), SnapshotJson),
        Fingerprint = fingerprint,
        UpdatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };
}
