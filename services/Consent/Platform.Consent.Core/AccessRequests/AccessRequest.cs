namespace Platform.Consent.Core;

/// <summary>
/// A clinician asks a patient for access to some categories of their records, for some purposes, for a while (a
/// consultation today: an hour). It grants nothing: decisions read only consents. When the patient approves it
/// before it expires, it becomes a read-only consent to that clinician that starts at the approval and ends
/// <see cref="Duration"/> later, so the window is the one the patient saw, not one that began when the clinician asked.
/// Immutable, like <see cref="PatientConsent"/>.
/// </summary>
public sealed record AccessRequest
{
    /// <summary>How long a request waits for the patient unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    /// <summary>The longest a request may wait: an answer weeks later answers a question nobody is asking any more.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <summary>The shortest window worth asking for.</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromMinutes(1);

    /// <summary>The longest window a request can ask for; longer access is a consent the patient grants themself.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public required Guid Id { get; init; }
    public required string PatientPseudonym { get; init; }

    /// <summary>The requesting clinician's subject id; the consent's grantee (a practitioner).</summary>
    public required string Clinician { get; init; }
    public required IReadOnlyList<string> Categories { get; init; }
    public required IReadOnlyList<string> Purposes { get; init; }
    public required TimeSpan Duration { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>As recorded; use <see cref="StatusAt"/> for what it is now.</summary>
    public required AccessRequestStatus Status { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The consent the approval created.</summary>
    public Guid? ConsentId { get; init; }

    public Grantee Grantee => new(GranteeKind.Practitioner, Clinician);

    /// <summary>The status at <paramref name="now"/>: a pending request past its expiry is expired.</summary>
    public AccessRequestStatus StatusAt(DateTimeOffset now) =>
        Status == AccessRequestStatus.Pending && now >= ExpiresAt ? AccessRequestStatus.Expired : Status;

    public static ConsentResult<AccessRequest> Create(
        Guid id, string patient, string clinician, IEnumerable<string> categories, IEnumerable<string> purposes,
        TimeSpan duration, DateTimeOffset now, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A request lives more than zero and at most {MaxLifetime.TotalDays} days.");
        }
        if (duration < MinDuration || duration > MaxDuration)
        {
            return ConsentResult<AccessRequest>.Failure(ConsentErrorCodes.DurationOutOfRange,
                $"Ask for access for {MinDuration.TotalMinutes} minute to {MaxDuration.TotalDays} days.");
        }
        if (string.Equals(patient, clinician, StringComparison.Ordinal))
        {
            return ConsentResult<AccessRequest>.Failure(ConsentErrorCodes.SelfRequest, "A clinician cannot ask themself for access.");
        }
        // The grant's own rules (ids, known categories and purposes), checked now so that a request that could never
        // be approved is refused at once.
        var terms = PatientConsent.Grant(id, patient, new Grantee(GranteeKind.Practitioner, clinician), categories, purposes, now, now + duration, now);
        if (!terms.IsSuccess)
        {
            return ConsentResult<AccessRequest>.Failure(terms.Error);
        }
        var consent = terms.Value.Consent;
        return ConsentResult<AccessRequest>.Success(new AccessRequest
        {
            Id = id,
            PatientPseudonym = patient,
            Clinician = clinician,
            Categories = [.. consent.Categories],
            Purposes = [.. consent.Purposes],
            Duration = TimeSpan.FromMilliseconds(Math.Floor(duration.TotalMilliseconds)),
            RequestedAt = ConsentTimes.Floor(now),
            ExpiresAt = ConsentTimes.Floor(now + lifetime),
            Status = AccessRequestStatus.Pending,
        });
    }

    /// <summary>
    /// The patient's yes: the approved request and the grant of consent <paramref name="consentId"/>, read-only,
    /// from <paramref name="now"/> for <see cref="Duration"/>. Refused once the request is no longer pending.
    /// </summary>
    public ConsentResult<AccessApproval> Approve(Guid consentId, DateTimeOffset now)
    {
        if (RefuseUnlessPending(now) is { } notPending)
        {
            return ConsentResult<AccessApproval>.Failure(notPending);
        }
        var grant = PatientConsent.Grant(consentId, PatientPseudonym, Grantee, Categories, Purposes, now, now + Duration, now);
        if (!grant.IsSuccess)
        {
            return ConsentResult<AccessApproval>.Failure(grant.Error);
        }
        var approved = this with { Status = AccessRequestStatus.Approved, DecidedAt = ConsentTimes.Floor(now), ConsentId = consentId };
        return ConsentResult<AccessApproval>.Success(new AccessApproval(approved, grant.Value));
    }

    /// <summary>The patient's no; nothing is granted.</summary>
    public ConsentResult<AccessRequest> Decline(DateTimeOffset now) =>
        RefuseUnlessPending(now) is { } notPending
            ? ConsentResult<AccessRequest>.Failure(notPending)
            : ConsentResult<AccessRequest>.Success(this with { Status = AccessRequestStatus.Declined, DecidedAt = ConsentTimes.Floor(now) });

    private ConsentError? RefuseUnlessPending(DateTimeOffset now) => StatusAt(now) switch
    {
        AccessRequestStatus.Pending => null,
        AccessRequestStatus.Expired => new(ConsentErrorCodes.RequestExpired, $"The request expired at {ConsentTimes.ToText(ExpiresAt)}; the clinician can ask again."),
        var status => new(ConsentErrorCodes.RequestNotPending, $"The request was already {status.ToCode()}."),
    };
}

/// <summary>An approved request and the grant it makes.</summary>
public sealed record AccessApproval(AccessRequest Request, ConsentChange Grant);
