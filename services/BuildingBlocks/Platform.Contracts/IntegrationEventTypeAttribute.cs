namespace Platform.Contracts;

/// <summary>
/// Names an event type and its contract version. The topic is <c>{name}.v{version}</c>: a breaking change to a
/// contract is a new record with a new version, published beside the old one until every consumer moved.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IntegrationEventTypeAttribute(string name, int version) : Attribute
{
    public string Name { get; } = name;
    public int Version { get; } = version;
    public string Topic => $"{Name}.v{Version}";
}
