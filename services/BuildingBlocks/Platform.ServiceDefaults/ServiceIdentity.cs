namespace Platform.ServiceDefaults;

/// <summary>Who a service is: its name (also its Dapr app-id) and the assembly holding its endpoints.</summary>
/// <param name="Name">Short, stable service name such as <c>consent</c>; used as app-id, event source and meter name.</param>
/// <param name="AssemblyName">The service's own assembly.</param>
public sealed record ServiceIdentity(string Name, string AssemblyName)
{
    public static ServiceIdentity For<TMarker>(string name) =>
        new(name, typeof(TMarker).Assembly.GetName().Name ?? name);
}
