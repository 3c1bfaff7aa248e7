using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using R4 = Hl7.Fhir.Model;

namespace Platform.Fhir;

/// <summary>
/// Every error under <c>/fhir</c> (the record vault's and the consent service's FHIR APIs) — thrown by a handler, raised by authentication (401/403), routing (404/405),
/// rate limiting (429) or an unexpected fault (500) — leaves as a FHIR <c>OperationOutcome</c>, because a FHIR client
/// reads nothing else. Registered before the default problem+json writer; the status, <c>Retry-After</c> and the
/// platform's stable code (in <c>issue.details.coding</c>) are the same as on the rest of the API.
/// </summary>
public sealed class FhirOutcomeWriter : IProblemDetailsWriter
{
    /// <summary>The code system of the platform's error codes (docs/errors.md), as they appear in problem+json <c>code</c>.</summary>
    public const string ProblemCodeSystem = "urn:platform:problem-code";

    /// <summary>The request's trace id, as <c>traceId</c> in problem+json.</summary>
    public const string TraceIdExtension = "urn:platform:trace-id";

    private static readonly FhirJsonSerializer Serializer = new();

    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // All of /fhir, not only /fhir/r4: a client that mistypes the version (or a path that normalises to /fhir/) still reads FHIR.
        return context.HttpContext.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase);
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var code = problem.Extensions.TryGetValue("code", out var value) ? value?.ToString() : null;
        var outcome = Outcome(status, problem.Title, problem.Detail, code);
        if (problem.Extensions.TryGetValue("traceId", out var traceId) && traceId is not null)
        {
            // Quoted when reporting a fault, as on the problem+json answers.
            outcome.Issue[0].Extension.Add(new R4.Extension(TraceIdExtension, new R4.FhirString(traceId.ToString())));
        }
        var response = context.HttpContext.Response;
        response.ContentType = FhirMediaTypes.FhirJson;
        await response.WriteAsync(Serializer.SerializeToString(outcome), context.HttpContext.RequestAborted);
    }

    public static R4.OperationOutcome Outcome(int status, string? title, string? detail, string? code) => new()
    {
        Issue =
        [
            new R4.OperationOutcome.IssueComponent
            {
                Severity = status >= 500 ? R4.OperationOutcome.IssueSeverity.Fatal : R4.OperationOutcome.IssueSeverity.Error,
                Code = IssueTypeFor(status),
                Details = new R4.CodeableConcept
                {
                    Coding = code is null ? [] : [new R4.Coding(ProblemCodeSystem, code)],
                    Text = title,
                },
                Diagnostics = detail,
            },
        ],
    };

    /// <summary>The FHIR issue type (http://hl7.org/fhir/issue-type) that says what kind of failure the status is.</summary>
    public static R4.OperationOutcome.IssueType IssueTypeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => R4.OperationOutcome.IssueType.Invalid,
        StatusCodes.Status401Unauthorized => R4.OperationOutcome.IssueType.Login,
        StatusCodes.Status403Forbidden => R4.OperationOutcome.IssueType.Forbidden,
        StatusCodes.Status404NotFound => R4.OperationOutcome.IssueType.NotFound,
        StatusCodes.Status405MethodNotAllowed or StatusCodes.Status406NotAcceptable or StatusCodes.Status415UnsupportedMediaType
            => R4.OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed => R4.OperationOutcome.IssueType.Conflict,
        StatusCodes.Status410Gone => R4.OperationOutcome.IssueType.Deleted,
        StatusCodes.Status413PayloadTooLarge => R4.OperationOutcome.IssueType.TooLong,
        StatusCodes.Status422UnprocessableEntity => R4.OperationOutcome.IssueType.Processing,
        StatusCodes.Status429TooManyRequests => R4.OperationOutcome.IssueType.Throttled,
        StatusCodes.Status503ServiceUnavailable => R4.OperationOutcome.IssueType.Transient,
        _ => R4.OperationOutcome.IssueType.Exception,
    };
}
