using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.Consent.Decisions;

/// <summary>
/// Answers "may this actor read (or write) this category of this patient's records, for this purpose, now?" from the
/// database on every call — no cache — so a revoke is in force for every decision made after it returned.
/// The consents are read on <see cref="ConsentReaderPool"/>'s open connections; the request's <see cref="ConsentDbContext"/>
/// is taken from <paramref name="requestServices"/> only for a break-glass audit event, so an ordinary decision does
/// not lease a pooled context it would not use (issue 18).
/// </summary>
public sealed partial class DecisionService(ConsentReaderPool readers, IServiceProvider requestServices, BreakGlassGuard breakGlass, TimeProvider time,
    ILogger<DecisionService> logger)
{
    /// <param name="subject">
    /// The person the calling service acts for, from the access token it forwarded and this service validated; null
    /// when none was forwarded. Only it can make the actor a clinician (and so allow break-glass): the body's
    /// <c>actorIsClinician</c> is ignored, and a body <c>actor</c> that names someone else is refused.
    /// </param>
    public async Task<DecisionResponse> DecideAsync(DecisionBody body, SubjectActor? subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (subject is not null && body.Actor is not null && !string.Equals(body.Actor, subject.Id, StringComparison.Ordinal))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "The actor is not the forwarded token's subject.",
                "A decision is for the person whose access token was forwarded; leave actor out or name that person.", "actor_mismatch");
        }
        var request = Validate(body with { Actor = subject?.Id ?? body.Actor }, isClinician: subject?.IsClinician ?? false);
        var consents = await readers.ReadAsync(request.SubjectPseudonym, request.ActorId, cancellationToken);
        var decision = DecisionEngine.Decide(request, consents);
        var decisionId = Guid.NewGuid();
        if (decision.Outcome == DecisionOutcome.BreakGlass)
        {
            if (!breakGlass.TryAcquire(request.ActorId))
            {
                LogBreakGlassRefused(logger, decisionId, request.ActorId);
                return new DecisionResponse(decisionId, DecisionOutcomes.Deny, DecisionReasons.BreakGlassRateLimited, null, null);
            }
            // High-priority audit, through the outbox so it cannot be lost.
            var db = requestServices.GetRequiredService<ConsentDbContext>();
            db.AddIntegrationEvent(new BreakGlassUsedV1(decisionId, request.SubjectPseudonym, request.ActorId, request.Category, request.Purpose, request.At), "consent");
            await db.SaveChangesAsync(cancellationToken);
            LogBreakGlass(logger, decisionId, request.ActorId, request.SubjectPseudonym, request.Category);
        }
        return new DecisionResponse(decisionId, decision.OutcomeCode, decision.Reason, decision.ConsentId, decision.ConsentVersion);
    }

    private DecisionRequest Validate(DecisionBody body, bool isClinician)
    {
        if (!Pseudonyms.IsValid(body.Subject))
        {
            throw ProblemException.Unprocessable("subject is not a pseudonymous id (8-128 of A-Z a-z 0-9 _ -).", "malformed_subject");
        }
        if (!Pseudonyms.IsValid(body.Actor))
        {
            throw ProblemException.Unprocessable("actor is not a pseudonymous id (8-128 of A-Z a-z 0-9 _ -).", "malformed_actor");
        }
        if (!GranteeKindCodes.TryParse(body.ActorKind ?? GranteeKindCodes.Practitioner, out var kind))
        {
            throw ProblemException.Unprocessable("actorKind must be 'practitioner' or 'organization'.", "unknown_actor_kind");
        }
        if (!RecordCategories.IsKnown(body.Category))
        {
            throw ProblemException.Unprocessable($"Unknown record category '{body.Category}'. See GET /codes.", ConsentErrorCodes.UnknownCategory);
        }
        if (!PurposesOfUse.IsKnown(body.Purpose))
        {
            throw ProblemException.Unprocessable($"Unknown purpose of use '{body.Purpose}'. See GET /codes.", ConsentErrorCodes.UnknownPurpose);
        }
        // No action means a read: callers written before actions existed only ever asked to read.
        var action = body.Action ?? ProvisionActions.Access;
        if (!ProvisionActions.IsKnown(action))
        {
            throw ProblemException.Unprocessable($"Unknown action '{action}': access (read) or correct (write). See GET /codes.", ConsentErrorCodes.UnknownAction);
        }
        return new DecisionRequest(body.Subject!, body.Actor!, kind.Value, body.Category!, body.Purpose!, time.GetUtcNow(),
            body.BreakGlass, isClinician, action);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "BREAK-GLASS access permitted: decision {DecisionId}, actor {Actor}, subject {Subject}, category {Category}")]
    private static partial void LogBreakGlass(ILogger logger, Guid decisionId, string actor, string subject, string category);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Break-glass refused by the rate limit: decision {DecisionId}, actor {Actor}")]
    private static partial void LogBreakGlassRefused(ILogger logger, Guid decisionId, string actor);
}
