using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Creates the builder every service starts from, so that a service's own Program.cs, the dev host
/// and the tests compose the very same application.
/// </summary>
public static class ServiceHost
{
    public static WebApplicationBuilder CreateBuilder(ServiceIdentity service, string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The application name decides where OpenAPI and static assets are looked up; pin it to the
            // service so that several services can share one process (the dev host).
            ApplicationName = service.AssemblyName,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection([new("Service:Name", service.Name)]);
        builder.Services.AddSingleton(service);
        return builder;
    }
}
