using Microsoft.AspNetCore.Http;
using Platform.Ledger.Core;

namespace Platform.Ledger.Api;

/// <summary>The ledger's error answers, one place so the codes stay consistent.</summary>
public static class LedgerProblems
{
    public static IResult Rejected(SubmitOutcome outcome) => Results.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The signed event was refused.",
        detail: outcome.Reason,
        extensions: new Dictionary<string, object?> { ["code"] = outcome.ErrorCode });

    public static IResult QuorumUnavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "2";
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The ledger cannot commit right now.",
            detail: "A majority of ledger replicas is not reachable, so nothing was committed. Retry later.",
            extensions: new Dictionary<string, object?> { ["code"] = "quorum_unavailable" });
    }

    public static IResult NotFound(string detail, string code = "not_found") => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not found.", detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult BadRequest(string detail, string code = "bad_request") => Results.Problem(statusCode: StatusCodes.Status400BadRequest,
        title: "The request is invalid.", detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}
