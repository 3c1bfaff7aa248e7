using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.ServiceDefaults;

/// <summary>Registers HttpClients that call other platform services with this service's own token.</summary>
public static class ServiceTokenSetup
{
    /// <summary>A named HttpClient to another service that carries this service's client-credentials token for <paramref name="scope"/>.</summary>
    public static IHttpClientBuilder AddServiceClient(this IServiceCollection services, string name, string scope)
    {
        services.AddHttpClient(ServiceTokenSource.HttpClientName);
        services.AddSingleton<ServiceTokenSource>();
        services.TryAddSingleton(TimeProvider.System);
        return services.AddHttpClient(name)
            .AddHttpMessageHandler(sp => new ServiceTokenHandler(sp.GetRequiredService<ServiceTokenSource>(), scope))
            // DAPR_API_TOKEN from configuration (environment variables included), as DaprSidecar reads it for publishing.
            .AddHttpMessageHandler(sp => new DaprApiTokenHandler(sp.GetRequiredService<IConfiguration>()["DAPR_API_TOKEN"]));
    }
}
