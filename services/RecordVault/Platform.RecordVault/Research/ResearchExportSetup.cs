using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.RecordVault.Data;
using Platform.RecordVault.Jobs;

namespace Platform.RecordVault.Research;

/// <summary>The research export's services: options (<c>RecordVault:Research</c>), the consent-set client, the master key, the file cipher, the runner and the worker.</summary>
public static class ResearchExportSetup
{
    public static IServiceCollection AddResearchExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResearchExportOptions>().Bind(configuration.GetSection("RecordVault:Research"))
            .Validate(o => o.K >= 2 && o.FileLifetime > TimeSpan.Zero && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero
                           && o.RetryAfter > TimeSpan.Zero && o.MaxActivePerStudy > 0,
                "RecordVault:Research: K at least 2; FileLifetime, Lease, PollInterval and RetryAfter more than zero; MaxActivePerStudy at least 1.")
            .ValidateOnStart();
        services.AddSingleton<ConsentSetClient>();
        services.AddSingleton<PseudonymMasterKey>();
        services.AddSingleton<JobSignal<ResearchExportRow>>();
        services.AddScoped<ResearchFileCipher>();
        services.AddScoped<ResearchExportRunner>();
        services.AddHostedService<ResearchExportWorker>();
        return services;
    }
}
