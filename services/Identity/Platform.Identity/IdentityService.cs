using Microsoft.AspNetCore.Builder;
using Platform.Identity.Data;
using Platform.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Identity;

/// <summary>Composes the identity service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class IdentityService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<IdentityServiceDbContext>("identity");

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<IdentityServiceDbContext>(Identity, args, configureHost, configureServices: null, mapEndpoints: null);
}
