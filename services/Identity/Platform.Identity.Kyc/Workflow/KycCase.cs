using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Identity.Kyc;

/// <summary>
/// One applicant's KYC case (states and transitions: <see cref="KycCaseState"/>). Immutable: each command returns
/// the next version inside a <see cref="KycCaseChange"/>, or a <see cref="KycError"/> and no new version.
/// Every command is checked in this order:
/// <list type="number">
/// <item>idempotency: a command id already applied returns the original outcome (<see cref="KycCaseChange.Replayed"/>),
/// or <see cref="KycErrorCodes.CommandIdReused"/> if its payload differs; failed commands are not remembered and may be retried;</item>
/// <item>the command itself (actor, reason, reviewer ≠ owner);</item>
/// <item>optimistic concurrency: <c>ExpectedVersion</c> must be <see cref="Version"/>, else <see cref="KycErrorCodes.VersionConflict"/>;</item>
/// <item>the transition from the current state.</item>
/// </list>
/// The version makes two concurrent decisions unable to both win as long as the store saves a new version only over
/// the version it loaded (a concurrency token); the loser reloads and gets a version conflict.
/// </summary>
public sealed record KycCase
{
    private const int MaxIdLength = 200;
    private const int MaxReasonLength = 2000;
    private const EvidenceKinds KnownEvidence = EvidenceKinds.DocumentImage | EvidenceKinds.Selfie | EvidenceKinds.Liveness;

    private KycCase(Guid id, string ownerId, DateTimeOffset createdAt)
    {
        Id = id;
        OwnerId = ownerId;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public Guid Id { get; }

    /// <summary>The account the case belongs to; that account can never review it.</summary>
    public string OwnerId { get; }

    public KycCaseState State { get; private init; }

    /// <summary>1 after registration, one more per transition.</summary>
    public int Version { get; private init; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; private init; }

    /// <summary>How many times evidence was submitted (resubmissions included).</summary>
    public int Submissions { get; private init; }

    /// <summary>The current evidence bundle's opaque reference.</summary>
    public string? EvidenceReference { get; private init; }

    public EvidenceKinds EvidenceKinds { get; private init; }

    /// <summary>The assessment of the current evidence, once the checks completed.</summary>
    public KycAssessment? Assessment { get; private init; }

    public KycApproval? Approval { get; private init; }

    public KycRejection? Rejection { get; private init; }

    public ImmutableList<KycAuditEntry> Audit { get; private init; } = [];

    public ImmutableDictionary<Guid, KycCommandRecord> Commands { get; private init; } = ImmutableDictionary<Guid, KycCommandRecord>.Empty;

    /// <summary>Opens a case for <paramref name="ownerId"/> in <see cref="KycCaseState.Registered"/>, version 1.</summary>
    public static KycResult<KycCaseChange> Register(Guid caseId, string ownerId, Guid commandId, string actor, DateTimeOffset now)
    {
        if (caseId == Guid.Empty || commandId == Guid.Empty)
        {
            return Fail(KycErrorCodes.InvalidId, "Case and command ids must not be empty.");
        }

        if (!IsValidId(ownerId) || !IsValidId(actor))
        {
            return Fail(KycErrorCodes.InvalidActor, "Owner and actor must be non-blank ids of at most 200 characters.");
        }

        var entry = new KycAuditEntry(1, commandId, KycActions.Register, actor, now, null, KycCaseState.Registered, "registered");
        var created = new KycCase(caseId, ownerId, now)
        {
            State = KycCaseState.Registered,
            Version = 1,
            Audit = [entry],
            Commands = ImmutableDictionary<Guid, KycCommandRecord>.Empty.Add(commandId, new KycCommandRecord(commandId, Fingerprint(KycActions.Register, caseId, ownerId, actor), 1)),
        };
        return KycResult<KycCaseChange>.Success(new KycCaseChange(created, entry, false));
    }

    /// <summary>Submits evidence from <see cref="KycCaseState.Registered"/>, or resubmits it after a rejection that allows it.</summary>
    public KycResult<KycCaseChange> SubmitEvidence(SubmitEvidenceCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var fingerprint = Fingerprint(KycActions.SubmitEvidence, command.ExpectedVersion, command.Actor, command.EvidenceReference, command.Kinds);
        return Execute(command.CommandId, command.ExpectedVersion, fingerprint, () =>
        {
            if (!IsValidId(command.Actor))
            {
                return Fail(KycErrorCodes.InvalidActor, "The actor must be a non-blank id of at most 200 characters.");
            }

            if (!IsValidId(command.EvidenceReference) || (command.Kinds & ~KnownEvidence) != EvidenceKinds.None)
            {
                return Fail(KycErrorCodes.InvalidEvidence, "The evidence reference must be a non-blank id and the kinds known flags.");
            }

            return null;
        }, () =>
        {
            var resubmission = State == KycCaseState.Rejected;
            if (State != KycCaseState.Registered && !resubmission)
            {
                return Fail(KycErrorCodes.InvalidTransition, $"Evidence cannot be submitted in state {State}.");
            }

            if (resubmission && Rejection is { ResubmissionAllowed: false })
            {
                return Fail(KycErrorCodes.ResubmissionNotAllowed, "The rejection of this case does not allow resubmission.");
            }

            var action = resubmission ? KycActions.ResubmitEvidence : KycActions.SubmitEvidence;
            var reason = resubmission ? "resubmitted after rejection: " + string.Join("; ", Rejection!.Reasons) : "evidence submitted";
            var next = this with
            {
                Submissions = Submissions + 1,
                EvidenceReference = command.EvidenceReference,
                EvidenceKinds = command.Kinds,
                Assessment = null,
                Approval = null,
                Rejection = null,
            };
            return next.Transition(command.CommandId, fingerprint, action, command.Actor, now, KycCaseState.EvidenceSubmitted, reason);
        });
    }

    /// <summary>Moves submitted evidence into the automated checks.</summary>
    public KycResult<KycCaseChange> BeginChecks(BeginChecksCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var fingerprint = Fingerprint(KycActions.BeginChecks, command.ExpectedVersion, command.Actor);
        return Execute(command.CommandId, command.ExpectedVersion, fingerprint, () => ValidateActor(command.Actor), () =>
            State != KycCaseState.EvidenceSubmitted
                ? Fail(KycErrorCodes.InvalidTransition, $"Checks cannot begin in state {State}.")
                : Transition(command.CommandId, fingerprint, KycActions.BeginChecks, command.Actor, now, KycCaseState.AutomatedChecks, "automated checks started"));
    }

    /// <summary>Records the assessment and follows its route: approve, manual review or reject (with the failed checks' reasons).</summary>
    public KycResult<KycCaseChange> CompleteChecks(CompleteChecksCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var assessment = command.Assessment;
        var fingerprint = Fingerprint(
            KycActions.CompleteChecks,
            command.ExpectedVersion,
            command.Actor,
            assessment?.Route,
            assessment?.RiskScore,
            assessment?.AssessedAt.ToUnixTimeMilliseconds(),
            assessment?.Fingerprint?.Value,
            assessment is null ? null : string.Join(',', assessment.Checks.Select(c => $"{c.Code}:{c.Passed}:{c.Reason}:{c.ScoreContribution}")));
        return Execute(command.CommandId, command.ExpectedVersion, fingerprint, () =>
        {
            if (ValidateActor(command.Actor) is { } invalid)
            {
                return invalid;
            }

            return assessment is null || assessment.Checks.Count == 0 || !Enum.IsDefined(assessment.Route)
                ? Fail(KycErrorCodes.InvalidAssessment, "The assessment needs check results and a known route.")
                : null;
        }, () =>
        {
            if (State != KycCaseState.AutomatedChecks)
            {
                return Fail(KycErrorCodes.InvalidTransition, $"Checks cannot complete in state {State}.");
            }

            var failures = assessment!.FailureReasons;
            var reason = failures.Count == 0 ? RouteCode(assessment.Route) : $"{RouteCode(assessment.Route)}: {string.Join(",", failures)}";
            var next = this with { Assessment = assessment };
            return assessment.Route switch
            {
                KycRoute.AutoApprove => (next with { Approval = new KycApproval(KycApprovalPath.Automated, command.Actor, now, reason) })
                    .Transition(command.CommandId, fingerprint, KycActions.CompleteChecks, command.Actor, now, KycCaseState.Approved, reason),
                KycRoute.Reject => (next with { Rejection = new KycRejection(failures, command.Actor, now, ResubmissionAllowed: true) })
                    .Transition(command.CommandId, fingerprint, KycActions.CompleteChecks, command.Actor, now, KycCaseState.Rejected, reason),
                _ => next.Transition(command.CommandId, fingerprint, KycActions.CompleteChecks, command.Actor, now, KycCaseState.ManualReview, reason),
            };
        });
    }

    /// <summary>A reviewer approves or rejects a case in manual review, with a reason. The owner can never decide their own case.</summary>
    public KycResult<KycCaseChange> Decide(ReviewDecisionCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var fingerprint = Fingerprint(KycActions.ReviewDecision, command.ExpectedVersion, command.ReviewerId, command.Decision, command.Reason, command.AllowResubmission);
        return Execute(command.CommandId, command.ExpectedVersion, fingerprint, () =>
        {
            if (ValidateActor(command.ReviewerId) is { } invalid)
            {
                return invalid;
            }

            if (string.Equals(command.ReviewerId, OwnerId, StringComparison.Ordinal))
            {
                return Fail(KycErrorCodes.ReviewerIsOwner, "A reviewer cannot decide their own case.");
            }

            if (!Enum.IsDefined(command.Decision))
            {
                return Fail(KycErrorCodes.InvalidTransition, "The decision must be approve or reject.");
            }

            return string.IsNullOrWhiteSpace(command.Reason) || command.Reason.Length > MaxReasonLength
                ? Fail(KycErrorCodes.ReasonRequired, "A decision needs a reason of at most 2000 characters.")
                : null;
        }, () =>
        {
            if (State != KycCaseState.ManualReview)
            {
                return Fail(KycErrorCodes.InvalidTransition, $"Reviewers decide only cases in manual review, not in {State}.");
            }

            var reason = command.Reason.Trim();
            return command.Decision == KycDecision.Approve
                ? (this with { Approval = new KycApproval(KycApprovalPath.ManualReview, command.ReviewerId, now, reason) })
                    .Transition(command.CommandId, fingerprint, KycActions.ReviewDecision, command.ReviewerId, now, KycCaseState.Approved, reason)
                : (this with { Rejection = new KycRejection([reason], command.ReviewerId, now, command.AllowResubmission) })
                    .Transition(command.CommandId, fingerprint, KycActions.ReviewDecision, command.ReviewerId, now, KycCaseState.Rejected, reason);
        });
    }

    /// <summary>Every field, for persistence.</summary>
    public KycCaseSnapshot ToSnapshot() => new(
        Id, OwnerId, State, Version, CreatedAt, UpdatedAt, Submissions, EvidenceReference, EvidenceKinds,
        Assessment, Approval, Rejection, Audit, [.. Commands.Values.OrderBy(c => c.Version)]);

    /// <summary>Rebuilds a case from a snapshot, refusing one whose audit trail does not explain its state and version.</summary>
    public static KycResult<KycCase> Restore(KycCaseSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var audit = snapshot.Audit ?? [];
        var consistent = snapshot.Id != Guid.Empty
            && IsValidId(snapshot.OwnerId)
            && Enum.IsDefined(snapshot.State)
            && snapshot.Version >= 1
            && audit.Count == snapshot.Version
            && audit.Select((e, i) => e.Version == i + 1 && (i == 0 ? e.From is null : e.From == audit[i - 1].To)).All(ok => ok)
            && audit[^1].To == snapshot.State
            && (snapshot.Commands ?? []).All(c => c.Version >= 1 && c.Version <= snapshot.Version)
            && (snapshot.Commands ?? []).Select(c => c.CommandId).Distinct().Count() == (snapshot.Commands ?? []).Count;
        if (!consistent)
        {
            return KycResult<KycCase>.Failure(KycErrorCodes.InvalidSnapshot, "The snapshot's audit trail does not match its state and version.");
        }

        return KycResult<KycCase>.Success(new KycCase(snapshot.Id, snapshot.OwnerId, snapshot.CreatedAt)
        {
            State = snapshot.State,
            Version = snapshot.Version,
            UpdatedAt = snapshot.UpdatedAt,
            Submissions = snapshot.Submissions,
            EvidenceReference = snapshot.EvidenceReference,
            EvidenceKinds = snapshot.EvidenceKinds,
            Assessment = snapshot.Assessment,
            Approval = snapshot.Approval,
            Rejection = snapshot.Rejection,
            Audit = [.. audit],
            Commands = (snapshot.Commands ?? []).ToImmutableDictionary(c => c.CommandId),
        });
    }

    public override string ToString() => $"KycCase {{ Id = {Id}, State = {State}, Version = {Version} }}";

    private KycResult<KycCaseChange> Execute(
        Guid commandId,
        int expectedVersion,
        string fingerprint,
        Func<KycResult<KycCaseChange>?> validate,
        Func<KycResult<KycCaseChange>> transition)
    {
        if (commandId == Guid.Empty)
        {
            return Fail(KycErrorCodes.InvalidId, "The command id must not be empty.");
        }

        if (Commands.TryGetValue(commandId, out var applied))
        {
            return applied.Fingerprint == fingerprint
                ? KycResult<KycCaseChange>.Success(new KycCaseChange(this, Audit[applied.Version - 1], Replayed: true))
                : Fail(KycErrorCodes.CommandIdReused, "This command id was already used for a different command.");
        }

        if (validate() is { } invalid)
        {
            return invalid;
        }

        return expectedVersion != Version
            ? Fail(KycErrorCodes.VersionConflict, $"The case is at version {Version}, not {expectedVersion}.")
            : transition();
    }

    private KycResult<KycCaseChange> Transition(Guid commandId, string fingerprint, string action, string actor, DateTimeOffset now, KycCaseState to, string reason)
    {
        var version = Version + 1;
        var entry = new KycAuditEntry(version, commandId, action, actor, now, State, to, reason);
        var next = this with
        {
            State = to,
            Version = version,
            UpdatedAt = now,
            Audit = Audit.Add(entry),
            Commands = Commands.Add(commandId, new KycCommandRecord(commandId, fingerprint, version)),
        };
        return KycResult<KycCaseChange>.Success(new KycCaseChange(next, entry, Replayed: false));
    }

    private static KycResult<KycCaseChange>? ValidateActor(string actor) =>
        IsValidId(actor) ? null : Fail(KycErrorCodes.InvalidActor, "The actor must be a non-blank id of at most 200 characters.");

    private static bool IsValidId(string? value) => !string.IsNullOrWhiteSpace(value) && value.Length <= MaxIdLength;

    private static string RouteCode(KycRoute route) => route switch
    {
        KycRoute.AutoApprove => "auto_approve",
        KycRoute.Reject => "reject",
        _ => "manual_review",
    };

    private static KycResult<KycCaseChange> Fail(string code, string message) => KycResult<KycCaseChange>.Failure(code, message);

    // Length-prefixed fields, so no two different payloads share an encoding; hashed so free text is not kept.
    private static string Fingerprint(params object?[] fields)
    {
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            if (Convert.ToString(field, CultureInfo.InvariantCulture) is not { } value)
            {
                text.Append('-');
                continue;
            }

            text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
