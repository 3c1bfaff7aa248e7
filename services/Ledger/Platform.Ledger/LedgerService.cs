using Microsoft.AspNetCore.Builder;
using Platform.Ledger.Data;
using Platform.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Ledger;

/// <summary>Composes the ledger service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class LedgerService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<LedgerDbContext>("ledger");

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<LedgerDbContext>(Identity, args, configureHost, configureServices: null, mapEndpoints: null);
}
