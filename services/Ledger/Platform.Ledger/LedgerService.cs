using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Events;
using Platform.Hosting;
using Platform.Ledger.Api;
using Platform.Ledger.Api.Authorization;
using Platform.Ledger.Data;
using Platform.Ledger.Events;
using Platform.Ledger.Node;
using Platform.ServiceDefaults;

namespace Platform.Ledger;

/// <summary>Composes the ledger service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class LedgerService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<LedgerDbContext>("ledger");

    /// <summary>The service's Program.cs: <c>migrate</c> applies its database's migrations and exits, anything else runs it.</summary>
    public static Task<int> RunAsync(string[] args) =>
        ServiceProgram.RunAsync<LedgerDbContext>(Identity, args, a => Build(a));

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<LedgerDbContext>(Identity, args, configureHost,
            (builder, events) =>
            {
                builder.AddLedgerNode();
                builder.AddLedgerAuthorization();
                builder.Services.AddScoped<SignedEventSubmission>();
                // Publishes the receipts owed for events taken from the bus once final checkpoints cover them.
                builder.Services.AddSingleton<FinalityReceiptPublisher>();
                builder.Services.AddHostedService(sp => sp.GetRequiredService<FinalityReceiptPublisher>());
                events.AddSubscription<ConsentChangedV1, ConsentChangedHandler>()
                      .AddSubscription<RecordAccessedV1, RecordAccessedHandler>()
                      .AddSubscription<ResearchExportedV1, ResearchExportedHandler>()
                      .AddSubscription<ResearchCreditedV1, ResearchCreditedHandler>();
            },
            app => app.MapLedgerEndpoints().MapMembershipEndpoints().MapGovernanceEndpoints());
}
