using Platform.Consent.Core;

namespace Platform.Consent.Api;

/// <summary>POST /access-requests: which patient, which categories, for what, and for how many minutes once approved.</summary>
public sealed record AccessRequestBody(string? Patient, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Purposes, int? DurationMinutes);

/// <summary>A clinician's request for access as the clinician and the patient see it; <c>status</c> is as of the request.</summary>
public sealed record AccessRequestView(
    Guid Id,
    string Patient,
    string Clinician,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Purposes,
    int DurationMinutes,
    string Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? DecidedAt,
    Guid? ConsentId)
{
    public static AccessRequestView From(AccessRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AccessRequestView(request.Id, request.PatientPseudonym, request.Clinician, request.Categories, request.Purposes,
            (int)request.Duration.TotalMinutes, request.StatusAt(now).ToCode(), request.RequestedAt, request.ExpiresAt, request.DecidedAt, request.ConsentId);
    }
}

/// <summary>The answer to an approval: the approved request and the time-boxed consent now in force.</summary>
public sealed record AccessApprovalView(AccessRequestView Request, ConsentView Consent);
