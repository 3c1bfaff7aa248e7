namespace Platform.ServiceDefaults;

public static class HealthTags
{
    /// <summary>Checks with this tag gate readiness (traffic), never liveness (restarts).</summary>
    public const string Ready = "ready";
}
