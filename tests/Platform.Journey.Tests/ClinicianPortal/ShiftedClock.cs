namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>The real clock moved forward by <see cref="Offset"/>: the consent service's "now" after a consent window has passed, without waiting for it.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
