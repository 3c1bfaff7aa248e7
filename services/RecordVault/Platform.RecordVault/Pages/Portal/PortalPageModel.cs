using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// The portal's pages act as the signed-in patient: the same <see cref="RecordCaller"/> the API builds from a token
/// is built here from the session (subject, patient role), so the store's gate and audit see no difference.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    protected RecordCaller Caller => RecordCaller.From(HttpContext);

    protected string Patient => Caller.SubjectId;

    /// <summary>A problem's message for the page, and its status on the answer (as the API would answer it).</summary>
    public string? Error { get; protected set; }

    protected void Show(Platform.ServiceDefaults.ProblemException problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        Error = problem.Message;
        Response.StatusCode = problem.StatusCode;
    }
}
