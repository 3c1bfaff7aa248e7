using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// A resource service as small as it gets but with the platform's real token validation
/// (<see cref="TokenValidationSetup.AddTokenValidation"/>: the same JwtBearer setup, revocation and DPoP checks that
/// consent, the vault and the ledger run), audience <c>record-vault</c>, one protected endpoint <c>/probe</c>.
/// </summary>
public sealed class ProbeResourceServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProbeResourceServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri Probe => new(Address, "/probe");

    public static async Task<ProbeResourceServer> StartAsync(Uri authority)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Authentication:Authority"] = authority.AbsoluteUri;
        builder.Configuration["Authentication:Audience"] = "record-vault";
        builder.Configuration["Authentication:RequireHttpsMetadata"] = "false";
        builder.Configuration["Service:Name"] = "record-vault";
        builder.AddTokenValidation();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMethods("/probe", ["GET", "POST"], (HttpContext context) => Results.Ok(new { sub = context.User.FindFirst("sub")?.Value }))
            .RequireAuthorization();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProbeResourceServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
