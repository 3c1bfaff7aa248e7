using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Server-wide request limits (<c>Limits:*</c> in configuration). Endpoints that take larger bodies
/// (record attachments) raise the body limit for themselves with <c>[RequestSizeLimit]</c>.
/// </summary>
public static class RequestLimits
{
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Limits");
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = section.GetValue("MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
            kestrel.Limits.MaxRequestHeadersTotalSize = section.GetValue("MaxRequestHeadersBytes", 32 * 1024);
            kestrel.Limits.MaxRequestLineSize = section.GetValue("MaxRequestLineBytes", 8 * 1024);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(section.GetValue("RequestHeadersTimeoutSeconds", 15));
        });
        return builder;
    }
}
