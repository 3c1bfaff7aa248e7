using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.RecordVault.Data;
using Platform.RecordVault.Jobs;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>The bulk export's services: options (<c>RecordVault:BulkExport</c>), the file cipher, the runner and the worker.</summary>
public static class BulkExportSetup
{
    public static IServiceCollection AddBulkExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BulkExportOptions>().Bind(configuration.GetSection("RecordVault:BulkExport"))
            .Validate(o => o.FileLifetime > TimeSpan.Zero && o.Lease > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero
                           && o.RetryAfter > TimeSpan.Zero && o.MaxActivePerRequester > 0,
                "RecordVault:BulkExport: FileLifetime, Lease, PollInterval and RetryAfter must be more than zero, MaxActivePerRequester at least 1.")
            .ValidateOnStart();
        services.AddSingleton<JobSignal<ExportJobRow>>();
        services.AddScoped<ExportFileCipher>();
        services.AddScoped<BulkExportRunner>();
        services.AddHostedService<BulkExportWorker>();
        return services;
    }
}
