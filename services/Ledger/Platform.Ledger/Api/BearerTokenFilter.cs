using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits a request only with <c>Authorization: Bearer &lt;token&gt;</c> matching one of the configured tokens
/// (compared in constant time). Used for the service submit endpoint and the replicas' internal endpoint until
/// OAuth client credentials from the identity service replace it.
/// </summary>
public sealed class BearerTokenFilter(Func<IEnumerable<string>> tokens, string audience) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(header[7..].Trim()) : [];
        var known = tokens().Where(t => !string.IsNullOrEmpty(t)).Select(Encoding.UTF8.GetBytes).ToArray();
        if (presented.Length > 0 && known.Any(k => CryptographicOperations.FixedTimeEquals(k, presented)))
        {
            return next(context);
        }
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
            title: "Authentication is required.", detail: $"This endpoint is for {audience}; present a valid bearer token.",
            extensions: new Dictionary<string, object?> { ["code"] = "unauthorized" }));
    }
}
