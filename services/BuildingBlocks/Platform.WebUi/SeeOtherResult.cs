using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.WebUi;

/// <summary>
/// 303 See Other to a page of the same origin: the answer to a form that worked (Post/Redirect/Get). The browser then
/// GETs the page, so reloading it reloads a GET and never sends the form again. (RedirectToPage answers 302, which
/// browsers also follow with a GET, but only by custom; 303 says it.) TempData set before is saved as for any result.
/// </summary>
public sealed class SeeOtherResult : IActionResult
{
    public SeeOtherResult(string localUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(localUrl);
        // Only a path of this origin ("/x", not "//host" nor "/\host"): the target is never taken from elsewhere.
        if (localUrl[0] != '/' || (localUrl.Length > 1 && localUrl[1] is '/' or '\\'))
        {
            throw new ArgumentException("A See Other target is a path on this origin.", nameof(localUrl));
        }
        LocalUrl = localUrl;
    }

    public string LocalUrl { get; }

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.HttpContext.Response.Headers.Location = LocalUrl;
        return Task.CompletedTask;
    }
}
