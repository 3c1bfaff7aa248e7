using System.Collections.Immutable;
using System.Text;
using Platform.Contracts.CodeLists;

namespace Platform.Consent.Core;

/// <summary>
/// One version of a patient's consent: who (grantee) may do what (read, write: <see cref="ProvisionActions"/>) with
/// which record categories, for which purposes, during which window. Immutable: every operation returns the next version inside a <see cref="ConsentChange"/>,
/// or a <see cref="ConsentError"/> and no new version.
/// </summary>
/// <remarks>
/// Named PatientConsent, not Consent, because <c>Consent</c> would clash with the <c>Platform.Consent</c> namespace
/// (inside it a bare <c>Consent</c> binds to the namespace) and with <c>Hl7.Fhir.Model.Consent</c>.
/// Times are UTC whole milliseconds (see <see cref="ConsentTimes"/>); the window is [ValidFrom, ValidUntil).
/// </remarks>
public sealed record PatientConsent
{
    private PatientConsent(
        Guid id,
        string subjectPseudonym,
        Grantee grantee,
        ImmutableSortedSet<string> categories,
        ImmutableSortedSet<string> purposes,
        ImmutableSortedSet<string> actions,
        DateTimeOffset validFrom,
        DateTimeOffset? validUntil,
        ConsentStatus status,
        int version,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt)
    {
        Id = id;
        SubjectPseudonym = subjectPseudonym;
        Grantee = grantee;
        Categories = categories;
        Purposes = purposes;
        Actions = actions;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
        Status = status;
        Version = version;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
    }

    public Guid Id { get; }

    /// <summary>The patient, by pseudonymous id.</summary>
    public string SubjectPseudonym { get; }

    public Grantee Grantee { get; }

    /// <summary>Record category codes (<see cref="RecordCategories"/>), never empty, ordinal order.</summary>
    public ImmutableSortedSet<string> Categories { get; private init; }

    /// <summary>PurposeOfUse codes (<see cref="PurposesOfUse"/>), never empty, ordinal order.</summary>
    public ImmutableSortedSet<string> Purposes { get; private init; }

    /// <summary>
    /// What the grantee may do (<see cref="ProvisionActions"/>), never empty, ordinal order. Read-only
    /// (<c>access</c>) unless the patient named more.
    /// </summary>
    public ImmutableSortedSet<string> Actions { get; private init; }

    /// <summary>First instant the consent permits (inclusive).</summary>
    public DateTimeOffset ValidFrom { get; private init; }

    /// <summary>First instant the consent no longer permits (exclusive); null for no end.</summary>
    public DateTimeOffset? ValidUntil { get; private init; }

    public ConsentStatus Status { get; private init; }

    /// <summary>1 for the grant, one more for each change.</summary>
    public int Version { get; private init; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; private init; }

    /// <summary>Whether the window contains <paramref name="time"/> (start inclusive, end exclusive).</summary>
    public bool IsWithinWindow(DateTimeOffset time) => time >= ValidFrom && (ValidUntil is not { } end || time < end);

    /// <summary>
    /// Creates version 1. The window is rounded inwards to whole milliseconds, so rounding never widens a grant.
    /// A start in the past is accepted (clock skew, "from now"); an end that has already passed is not.
    /// No <paramref name="actions"/> (null) means read-only, <see cref="ProvisionActions.Default"/>.
    /// </summary>
    public static ConsentResult<ConsentChange> Grant(
        Guid id,
        string subjectPseudonym,
        Grantee grantee,
        IEnumerable<string> categories,
        IEnumerable<string> purposes,
        DateTimeOffset validFrom,
        DateTimeOffset? validUntil,
        DateTimeOffset now,
        IEnumerable<string>? actions = null)
    {
        var from = ConsentTimes.Ceiling(validFrom);
        DateTimeOffset? until = validUntil is { } end ? ConsentTimes.Floor(end) : null;
        var categoryError = ConsentRules.ReadCategories(categories, out var categorySet);
        var purposeError = ConsentRules.ReadPurposes(purposes, out var purposeSet);
        var actionError = ConsentRules.ReadActions(actions ?? ProvisionActions.Default, out var actionSet);
        var error = ConsentRules.CheckIdentity(id, subjectPseudonym, grantee)
            ?? categoryError
            ?? purposeError
            ?? actionError
            ?? ConsentRules.CheckBounds(from, until, now)
            ?? ConsentRules.CheckPeriod(from, until)
            ?? ConsentRules.CheckEndIsAhead(until, now);
        if (error is not null)
        {
            return ConsentResult<ConsentChange>.Failure(error);
        }
        var at = ConsentTimes.Floor(now);
        var consent = new PatientConsent(id, subjectPseudonym, grantee, categorySet, purposeSet, actionSet, from, until, ConsentStatus.Active, 1, at, at);
        return ConsentResult<ConsentChange>.Success(ConsentChange.Of(ConsentAction.Grant, consent));
    }

    /// <summary>
    /// Rebuilds a stored version (from the service's database or a consent event's snapshot), checking every
    /// rule a version must obey. Times are normalised to UTC milliseconds. No <paramref name="actions"/> (null) means
    /// read-only: every version stored before actions existed was read-only.
    /// </summary>
    public static ConsentResult<PatientConsent> Restore(
        Guid id,
        string subjectPseudonym,
        Grantee grantee,
        IEnumerable<string> categories,
        IEnumerable<string> purposes,
        DateTimeOffset validFrom,
        DateTimeOffset? validUntil,
        ConsentStatus status,
        int version,
        DateTimeOffset createdAt,
        DateTimeOffset updatedAt,
        IEnumerable<string>? actions = null)
    {
        var from = ConsentTimes.Ceiling(validFrom);
        DateTimeOffset? until = validUntil is { } end ? ConsentTimes.Floor(end) : null;
        var created = ConsentTimes.Floor(createdAt);
        var updated = ConsentTimes.Floor(updatedAt);
        var categoryError = ConsentRules.ReadCategories(categories, out var categorySet);
        var purposeError = ConsentRules.ReadPurposes(purposes, out var purposeSet);
        var actionError = ConsentRules.ReadActions(actions ?? ProvisionActions.Default, out var actionSet);
        var error = ConsentRules.CheckIdentity(id, subjectPseudonym, grantee)
            ?? categoryError
            ?? purposeError
            ?? actionError
            ?? ConsentRules.CheckPeriod(from, until)
            ?? (Enum.IsDefined(status) ? null : new ConsentError(ConsentErrorCodes.UnknownStatus, "The status is not a consent status."))
            ?? (version >= 1 ? null : new ConsentError(ConsentErrorCodes.InvalidVersion, "The version must be 1 or more."))
            ?? (updated >= created ? null : new ConsentError(ConsentErrorCodes.InvalidTimestamps, "The consent cannot be updated before it was created."));
        return error is null
            ? ConsentResult<PatientConsent>.Success(new PatientConsent(id, subjectPseudonym, grantee, categorySet, purposeSet, actionSet, from, until, status, version, created, updated))
            : ConsentResult<PatientConsent>.Failure(error);
    }

    /// <summary>
    /// Takes scope away: fewer categories, purposes or actions, a later start, an earlier end. Null keeps a field as it is.
    /// Anything that would let the grantee see more (a new code, an earlier start, a later or removed end) is
    /// refused with <see cref="ConsentErrorCodes.WideningNotAllowed"/>: widening is a new grant, which the patient
    /// makes knowingly. The new window is rounded inwards to whole milliseconds.
    /// </summary>
    public ConsentResult<ConsentChange> Narrow(
        IEnumerable<string>? categories,
        IEnumerable<string>? purposes,
        DateTimeOffset? validFrom,
        DateTimeOffset? validUntil,
        DateTimeOffset now,
        IEnumerable<string>? actions = null)
    {
        if (RefuseUnlessActive(now, mustBeWithinEnd: true) is { } inactive)
        {
            return ConsentResult<ConsentChange>.Failure(inactive);
        }
        var categorySet = Categories;
        var purposeSet = Purposes;
        var actionSet = Actions;
        var from = validFrom is { } f ? ConsentTimes.Ceiling(f) : ValidFrom;
        var until = validUntil is { } u ? ConsentTimes.Floor(u) : ValidUntil;
        var error = (categories is null ? null : ConsentRules.ReadCategories(categories, out categorySet))
            ?? (purposes is null ? null : ConsentRules.ReadPurposes(purposes, out purposeSet))
            ?? (actions is null ? null : ConsentRules.ReadActions(actions, out actionSet))
            ?? RefuseWidening(categorySet, purposeSet, actionSet, from, until)
            ?? ConsentRules.CheckBounds(from, until, now)
            ?? ConsentRules.CheckPeriod(from, until)
            ?? (until == ValidUntil ? null : ConsentRules.CheckEndIsAhead(until, now));
        if (error is not null)
        {
            return ConsentResult<ConsentChange>.Failure(error);
        }
        if (categorySet.SetEquals(Categories) && purposeSet.SetEquals(Purposes) && actionSet.SetEquals(Actions) && from == ValidFrom && until == ValidUntil)
        {
            return ConsentResult<ConsentChange>.Failure(ConsentErrorCodes.NoChange, "The narrowing changes nothing.");
        }
        return Next(ConsentAction.Narrow, now, this with { Categories = categorySet, Purposes = purposeSet, Actions = actionSet, ValidFrom = from, ValidUntil = until });
    }

    /// <summary>Withdraws the consent for good. Allowed while active, even if its window has already ended.</summary>
    public ConsentResult<ConsentChange> Revoke(DateTimeOffset now) =>
        RefuseUnlessActive(now, mustBeWithinEnd: false) is { } error
            ? ConsentResult<ConsentChange>.Failure(error)
            : Next(ConsentAction.Revoke, now, this with { Status = ConsentStatus.Revoked });

    /// <summary>Records that the window has ended; only once <c>ValidUntil &lt;= now</c>.</summary>
    public ConsentResult<ConsentChange> Expire(DateTimeOffset now)
    {
        if (RefuseUnlessActive(now, mustBeWithinEnd: false) is { } error)
        {
            return ConsentResult<ConsentChange>.Failure(error);
        }
        if (ValidUntil is not { } end)
        {
            return ConsentResult<ConsentChange>.Failure(ConsentErrorCodes.NeverExpires, "The consent has no end, so it cannot expire.");
        }
        if (now < end)
        {
            return ConsentResult<ConsentChange>.Failure(ConsentErrorCodes.NotYetExpired, $"The consent is valid until {ConsentTimes.ToText(end)}.");
        }
        return Next(ConsentAction.Expire, now, this with { Status = ConsentStatus.Expired });
    }

    /// <summary>Stops the consent because the grantee's identity credential was revoked. Final, like a revoke.</summary>
    public ConsentResult<ConsentChange> Suspend(DateTimeOffset now) =>
        RefuseUnlessActive(now, mustBeWithinEnd: false) is { } error
            ? ConsentResult<ConsentChange>.Failure(error)
            : Next(ConsentAction.Suspend, now, this with { Status = ConsentStatus.Suspended });

    /// <summary>Content equality (the record default would compare the sets by reference).</summary>
    public bool Equals(PatientConsent? other) =>
        other is not null
        && Id == other.Id
        && SubjectPseudonym == other.SubjectPseudonym
        && Grantee == other.Grantee
        && Categories.SetEquals(other.Categories)
        && Purposes.SetEquals(other.Purposes)
        && Actions.SetEquals(other.Actions)
        && ValidFrom == other.ValidFrom
        && ValidUntil == other.ValidUntil
        && Status == other.Status
        && Version == other.Version
        && CreatedAt == other.CreatedAt
        && UpdatedAt == other.UpdatedAt;

    public override int GetHashCode() => HashCode.Combine(Id, Version, Status, UpdatedAt);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, Version = {Version}, Status = {Status.ToCode()}, Subject = {SubjectPseudonym}, Grantee = {Grantee}, ")
            .Append($"Categories = [{string.Join(", ", Categories)}], Purposes = [{string.Join(", ", Purposes)}], Actions = [{string.Join(", ", Actions)}], ")
            .Append($"ValidFrom = {ConsentTimes.ToText(ValidFrom)}, ValidUntil = {(ValidUntil is { } end ? ConsentTimes.ToText(end) : "none")}");
        return true;
    }

    private ConsentError? RefuseUnlessActive(DateTimeOffset now, bool mustBeWithinEnd)
    {
        if (Status != ConsentStatus.Active)
        {
            return new(ConsentErrorCodes.NotActive, $"The consent is {Status.ToCode()}; only an active consent can change.");
        }
        if (mustBeWithinEnd && ValidUntil is { } end && end <= now)
        {
            return new(ConsentErrorCodes.ConsentExpired, $"The consent ended at {ConsentTimes.ToText(end)}.");
        }
        return null;
    }

    private ConsentError? RefuseWidening(ImmutableSortedSet<string> categories, ImmutableSortedSet<string> purposes, ImmutableSortedSet<string> actions, DateTimeOffset from, DateTimeOffset? until)
    {
        var addedCategories = categories.Except(Categories);
        if (!addedCategories.IsEmpty)
        {
            return Widening($"it adds the categories {string.Join(", ", addedCategories)}");
        }
        var addedPurposes = purposes.Except(Purposes);
        if (!addedPurposes.IsEmpty)
        {
            return Widening($"it adds the purposes {string.Join(", ", addedPurposes)}");
        }
        var addedActions = actions.Except(Actions);
        if (!addedActions.IsEmpty)
        {
            return Widening($"it adds the actions {string.Join(", ", addedActions)}");
        }
        if (from < ValidFrom)
        {
            return Widening("it starts earlier");
        }
        if (ValidUntil is { } end && (until is null || until > end))
        {
            return Widening("it ends later");
        }
        return null;
    }

    private static ConsentError Widening(string how) =>
        new(ConsentErrorCodes.WideningNotAllowed, $"A narrowing may only take scope away, but {how}; grant a new consent instead.");

    private ConsentResult<ConsentChange> Next(ConsentAction action, DateTimeOffset now, PatientConsent changed) =>
        ConsentResult<ConsentChange>.Success(ConsentChange.Of(action, changed with
        {
            Version = Version + 1,
            // Kept monotonic even if this node's clock is behind the one that wrote the previous version.
            UpdatedAt = ConsentTimes.Later(ConsentTimes.Floor(now), UpdatedAt),
        }));
}
