namespace Platform.ServiceDefaults.Dpop;

/// <summary>The <c>jti</c> values of DPoP proofs already accepted (RFC 9449 §11.1), kept until the proof could no longer be accepted anyway.</summary>
public interface IDpopReplayCache
{
    /// <summary>Records <paramref name="jti"/>; false when it was already recorded (a replay).</summary>
    Task<bool> TryAddAsync(string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken);
}
