using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Consent.Api;
using Platform.Consent.Consents;
using Platform.Consent.Data;
using Platform.Consent.Decisions;
using Platform.Consent.Events;
using Platform.Consent.Fhir;
using Platform.Consent.Pages;
using Platform.Consent.Research;
using Platform.Contracts.Decisions;
using Platform.Contracts.Events;
using Platform.Fhir;
using Platform.Hosting;
using Platform.Messaging.Receipts;
using Platform.ServiceDefaults;

namespace Platform.Consent;

/// <summary>Composes the consent service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class ConsentService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<ConsentDbContext>("consent");

    /// <summary>The service's Program.cs: <c>migrate</c> applies its database's migrations and exits, anything else runs it.</summary>
    public static Task<int> RunAsync(string[] args) =>
        ServiceProgram.RunAsync<ConsentDbContext>(Identity, args, a => Build(a));

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<ConsentDbContext>(Identity, args, configureHost,
            configureServices: (builder, events) =>
            {
                builder.RequireKeyProvider("The consent service signs consent events");
                builder.Services.TryAddSingleton(TimeProvider.System);
                builder.Services.AddSingleton<ConsentEventSigner>();
                builder.Services.AddScoped<ConsentCommands>();
                builder.Services.AddScoped<OnBehalfCommands>();
                builder.Services.AddOptions<OnBehalfOptions>().Bind(builder.Configuration.GetSection("Consent:OnBehalf"))
                    .Validate(o => o.IsValid, "Consent:OnBehalf:ProposalLifetime must be more than zero and at most 7 days.").ValidateOnStart();
                builder.Services.AddScoped<AccessRequestCommands>();
                builder.Services.AddScoped<ResearchCommands>();
                builder.Services.AddScoped<ResearchOptInCommands>();
                builder.Services.AddScoped<ResearchCredits>();
                builder.Services.AddAuthorization(ResearchEndpoints.AddPolicy);
                builder.Services.AddOptions<AccessRequestOptions>().Bind(builder.Configuration.GetSection("Consent:AccessRequests"))
                    .Validate(o => o.IsValid, "Consent:AccessRequests:Lifetime must be more than zero and at most 7 days, MaxPendingPerClinician 1-1000.").ValidateOnStart();
                builder.Services.AddOptions<DecisionCacheOptions>().Bind(builder.Configuration.GetSection("Consent:Decisions"))
                    .Validate(o => o.IsValid, $"Consent:Decisions:CacheEntries must be 0 (no cache) to {DecisionCacheOptions.MaxCacheEntries}.").ValidateOnStart();
                builder.Services.AddSingleton(sp => new DecisionConsentCache(sp.GetRequiredService<IOptions<DecisionCacheOptions>>().Value.CacheEntries));
                builder.Services.AddSingleton<ConsentReaderPool>();
                builder.Services.AddScoped<DecisionService>();
                builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, DecisionJsonContext.Default));
                builder.Services.AddSingleton<DecisionHttpJson>();
                // A decision is traced as a step of its caller's trace (the vault's read), not as a trace of its own.
                builder.Services.TraceOnlyWithinCallersTrace("/decisions");
                builder.Services.AddScoped<CoveredPatients>();
                builder.Services.AddOptions<SubjectTokenOptions>().Bind(builder.Configuration.GetSection("Consent:SubjectToken"))
                    .Validate(o => o.Audiences.TrueForAll(a => !string.IsNullOrWhiteSpace(a)), "Consent:SubjectToken:Audiences must not contain an empty audience.").ValidateOnStart();
                builder.Services.AddSingleton<SubjectTokenValidator>();
                builder.Services.AddOptions<BreakGlassOptions>().Bind(builder.Configuration.GetSection("Consent:BreakGlass"))
                    .Validate(o => o.PermitsPerWindow >= 1, "Consent:BreakGlass:PermitsPerWindow must be at least 1.")
                    .Validate(o => o.Window > TimeSpan.Zero, "Consent:BreakGlass:Window must be positive.").ValidateOnStart();
                builder.Services.AddSingleton<BreakGlassGuard>();
                builder.Services.AddSingleton<ConsentExpiry>();
                builder.Services.AddHostedService(sp => sp.GetRequiredService<ConsentExpiry>());
                builder.Services.AddAuthorization(ConsentEndpoints.AddPolicies);
                builder.Services.AddAuthorization(RebuildEndpoints.AddPolicy);
                builder.Services.AddAuthorization(AccessRequestEndpoints.AddPolicy);
                builder.Services.AddAuthorization(ConsentFhirAuthorization.AddPolicy);
                // First among the problem writers: errors under /fhir leave as OperationOutcome, all others as problem+json.
                builder.Services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirOutcomeWriter>());
                builder.AddPatientPages();
                if (builder.Configuration["Consent:LedgerUrl"] is { Length: > 0 } ledgerUrl)
                {
                    // Reading entries needs an auditor: a static token when one is configured, else client credentials.
                    var ledgerClient = builder.Configuration["Consent:LedgerAuditToken"] is { Length: > 0 } auditToken
                        ? builder.Services.AddHttpClient(ProjectionRebuild.HttpClientName).AddHttpMessageHandler(() => new StaticBearerHandler(auditToken))
                        : builder.Services.AddServiceClient(ProjectionRebuild.HttpClientName, ProjectionRebuild.AuditScope);
                    var rebuildSection = builder.Configuration.GetSection(ProjectionRebuildOptions.Section);
                    builder.Services.AddOptions<ProjectionRebuildOptions>().Bind(rebuildSection)
                        .Validate(o => o.LedgerTimeout > TimeSpan.Zero, "Consent:Rebuild:LedgerTimeout must be positive.")
                        .Validate(o => o.LedgerAttemptTimeout > TimeSpan.Zero && o.LedgerAttemptTimeout <= o.LedgerTimeout,
                            "Consent:Rebuild:LedgerAttemptTimeout must be positive and not longer than Consent:Rebuild:LedgerTimeout.")
                        .ValidateOnStart();
                    // Also read here: the client is composed before the container exists.
                    var rebuild = rebuildSection.Get<ProjectionRebuildOptions>() ?? new ProjectionRebuildOptions();
                    ledgerClient.AddServiceClientResilience(new Uri(ledgerUrl), rebuild.LedgerTimeout, rebuild.LedgerAttemptTimeout);
                    builder.Services.AddScoped<ProjectionRebuild>();
                }
                events.AddSubscription<IdentityRevokedV1, IdentityRevokedHandler>()
                      .AddSubscription<IdentityVerifiedV1, IdentityVerifiedHandler>()
                      .AddSubscription<ResearchExportIncludedV1, ResearchExportIncludedHandler>()
                      .AddReceiptReconciliation<ConsentDbContext, ConsentReceiptHolder>(builder.Configuration, builder.Configuration["Consent:LedgerUrl"])
                      .AddReceiptHolder<ResearchCreditReceiptHolder>();
            },
            mapEndpoints: app =>
            {
                app.MapConsentEndpoints();
                app.MapOnBehalfEndpoints();
                app.MapAccessRequestEndpoints();
                app.MapResearchEndpoints();
                app.MapResearchParticipationEndpoints();
                app.MapRebuildEndpoints();
                app.MapConsentFhirEndpoints();
                app.MapPatientPages();
            });
}
