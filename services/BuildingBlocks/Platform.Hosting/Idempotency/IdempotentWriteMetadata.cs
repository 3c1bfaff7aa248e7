namespace Platform.Hosting.Idempotency;

/// <summary>Marks an endpoint that honours the Idempotency-Key header (<see cref="IdempotencyEndpointExtensions.WithIdempotencyKey"/>).</summary>
public sealed class IdempotentWriteMetadata
{
    public static readonly IdempotentWriteMetadata Instance = new();

    private IdempotentWriteMetadata()
    {
    }
}
