using Microsoft.AspNetCore.Builder;

namespace Platform.DevHost;

/// <summary>One service as the dev host runs it: its name, port, how to build it, and settings of its own.</summary>
public sealed record EmbeddedService(string Name, int Port, Func<string[], Action<WebApplicationBuilder>, WebApplication> Build,
    IReadOnlyDictionary<string, string?>? Settings = null);
