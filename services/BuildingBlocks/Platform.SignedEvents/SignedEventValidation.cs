namespace Platform.SignedEvents;

/// <summary>Either a verified payload, or why the signed event was refused (a stable code and a readable reason).</summary>
public sealed record SignedEventValidation(SignedEventPayload? Payload, string? ErrorCode, string? Reason)
{
    public bool IsValid => Payload is not null;

    public static SignedEventValidation Valid(SignedEventPayload payload) => new(payload, null, null);

    public static SignedEventValidation Invalid(string code, string reason) => new(null, code, reason);
}
