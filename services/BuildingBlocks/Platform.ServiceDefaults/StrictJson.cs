using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Request bodies with a key twice (<c>{"subject":"a",…,"subject":"b"}</c>) are refused (400) instead of the last
/// value silently winning: a proxy, a signature check or an audit log that reads the first value would otherwise
/// see a different request than the endpoint acts on. RFC 8259 leaves duplicate names to the implementation; the
/// platform refuses them.
/// </summary>
public static class StrictJson
{
    public static IServiceCollection AddStrictRequestJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.AllowDuplicateProperties = false);
}
