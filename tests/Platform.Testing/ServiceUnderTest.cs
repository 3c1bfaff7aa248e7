using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Platform.Testing;

/// <summary>
/// Runs a service's real application (the same Build method its Program.cs uses) on a free loopback port,
/// with test settings layered over its defaults, and gives an HttpClient for it.
/// </summary>
public sealed class ServiceUnderTest : IAsyncDisposable
{
    private ServiceUnderTest(WebApplication app, string dataDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = app.GetListeningAddress() };
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public string DataDirectory { get; }
    public IServiceProvider Services => App.Services;

    public static async Task<ServiceUnderTest> StartAsync(
        Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("platform-test-").FullName;
        var app = build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Data:Directory"] = dataDirectory,
                // Used only when a test chooses Keys:Provider=Software; the keys go away with the data folder.
                ["Keys:Software:KeyDirectory"] = Path.Combine(dataDirectory, "keys"),
                ["Logging:LogLevel:Default"] = "Warning",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new ServiceUnderTest(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a handle for a moment; the OS cleans temp later.
        }
    }
}
