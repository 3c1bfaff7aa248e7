using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Events;
using Platform.Fhir;
using Platform.Hosting;
using Platform.Messaging.Receipts;
using Platform.RecordVault.Access;
using Platform.RecordVault.Api;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Events;
using Platform.RecordVault.Fhir;
using Platform.RecordVault.Fhir.Bulk;
using Platform.RecordVault.Pages;
using Platform.RecordVault.Records;
using Platform.RecordVault.Research;
using Platform.ServiceDefaults;

namespace Platform.RecordVault;

/// <summary>Composes the record-vault service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class RecordVaultService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<RecordVaultDbContext>("record-vault");

    /// <summary>The service's Program.cs: <c>migrate</c> applies its database's migrations and exits, anything else runs it.</summary>
    public static Task<int> RunAsync(string[] args) =>
        ServiceProgram.RunAsync<RecordVaultDbContext>(Identity, args, a => Build(a));

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<RecordVaultDbContext>(Identity, args, configureHost,
            configureServices: (builder, events) =>
            {
                builder.RequireKeyProvider("The record vault wraps data keys");
                var section = builder.Configuration.GetSection("RecordVault");
                builder.Services.AddOptions<RecordVaultOptions>().Bind(section).ValidateRecordVaultOptions().ValidateOnStart();
                // Also read here: the consent client and the data-key cache are composed before the container exists.
                var options = section.Get<RecordVaultOptions>() ?? new RecordVaultOptions();
                builder.Services.TryAddSingleton(TimeProvider.System);
                builder.Services.AddSingleton(sp => new DataKeyCache(
                    new DataKeyCacheOptions { MaxEntries = options.DataKeyCacheEntries, TimeToLive = options.DataKeyCacheLifetime },
                    sp.GetRequiredService<TimeProvider>()));
                builder.Services.AddSingleton(sp => new EnvelopeCipher(sp.GetRequiredService<DataKeyCache>()));
                builder.Services.AddSingleton<BreakGlassReasonProtector>();
                builder.Services.AddSingleton<AccessAudit>();
                builder.Services.AddSingleton<AccessAuditWriter>();
                builder.Services.AddHostedService(sp => sp.GetRequiredService<AccessAuditWriter>());
                builder.Services.AddSingleton<RefusalQuota>();
                builder.Services.AddSingleton<ConsentDecisionClient>();
                builder.Services.AddServiceClient(ConsentDecisionClient.HttpClientName, ConsentDecisionClient.Scope)
                    .AddServiceClientResilience(options.ConsentUrl, options.ConsentTimeout, options.ConsentAttemptTimeout);
                builder.Services.AddScoped<RecordAccessGate>();
                builder.Services.AddScoped<RecordStore>();
                builder.Services.AddSingleton<SearchKeyHasher>();
                builder.Services.AddHostedService<SearchKeyBackfill>();
                // First among the problem writers: errors under /fhir/r4 leave as OperationOutcome, all others as problem+json.
                builder.Services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirOutcomeWriter>());
                builder.Services.AddSingleton<KeyRotation>();
                builder.Services.AddBulkExport(builder.Configuration);
                builder.Services.AddResearchExport(builder.Configuration);
                builder.Services.AddHostedService<RewrapWorker>();
                builder.Services.AddAuthorization(RecordEndpoints.AddPolicy);
                builder.Services.AddAuthorization(FhirAuthorization.AddPolicy);
                builder.Services.AddAuthorization(AdminEndpoints.AddPolicy);
                builder.Services.AddAuthorization(ResearchExportEndpoints.AddPolicy);
                builder.AddPatientPortal();
                events.AddSubscription<IdentityVerifiedV1, IdentityVerifiedHandler>()
                      .AddSubscription<IdentityRevokedV1, IdentityRevokedHandler>()
                      .AddReceiptReconciliation<RecordVaultDbContext, AccessReceiptHolder>(builder.Configuration)
                      .AddReceiptHolder<ResearchExportReceiptHolder>();
            },
            mapEndpoints: app =>
            {
                app.MapRecordEndpoints();
                app.MapFhirEndpoints();
                app.MapAdminEndpoints();
                app.MapAdminErasureEndpoints();
                app.MapResearchExportEndpoints();
                app.MapPatientPortal();
            });
}
