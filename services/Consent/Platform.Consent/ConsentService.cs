using Microsoft.AspNetCore.Builder;
using Platform.Consent.Data;
using Platform.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Consent;

/// <summary>Composes the consent service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class ConsentService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<ConsentDbContext>("consent");

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<ConsentDbContext>(Identity, args, configureHost, configureServices: null, mapEndpoints: null);
}
