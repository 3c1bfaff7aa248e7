using Microsoft.AspNetCore.Builder;
using Platform.RecordVault.Data;
using Platform.Hosting;
using Platform.ServiceDefaults;

namespace Platform.RecordVault;

/// <summary>Composes the record-vault service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class RecordVaultService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<RecordVaultDbContext>("record-vault");

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<RecordVaultDbContext>(Identity, args, configureHost, configureServices: null, mapEndpoints: null);
}
