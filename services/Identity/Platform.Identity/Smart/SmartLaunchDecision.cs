namespace Platform.Identity.Smart;

/// <summary>
/// What <see cref="SmartLaunch.DecideAsync"/> found for one authorization request: go on (with the patient in
/// context, or none when none was asked for), show the patient picker first, or refuse with a reason for the client.
/// </summary>
public sealed record SmartLaunchDecision(string? Patient, bool NeedsPicker, string? Refusal)
{
    public static SmartLaunchDecision NoContext { get; } = new(null, false, null);

    public static SmartLaunchDecision Pick { get; } = new(null, true, null);

    public static SmartLaunchDecision For(string patient) => new(patient, false, null);

    public static SmartLaunchDecision Refuse(string reason) => new(null, false, reason);
}
