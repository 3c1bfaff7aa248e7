using Microsoft.AspNetCore.Builder;

namespace Platform.DevHost;

/// <summary>One service as the dev host runs it: its name, port, and how to build it.</summary>
public sealed record EmbeddedService(string Name, int Port, Func<string[], Action<WebApplicationBuilder>, WebApplication> Build);
