// Times are UTC DateTime (not DateTimeOffset) so that SQLite can compare them in SQL, as in the outbox.
namespace Platform.Hosting.Idempotency;

/// <summary>
/// One caller's idempotency key in a service's own database: first a claim (the request is in flight), then, in the
/// same transaction as the request's effect, the answer to replay. Neither the caller nor the key is stored in clear:
/// <see cref="Id"/> hashes both, which also scopes keys per caller.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>Hex SHA-256 of the caller and the key (<see cref="IdempotencyScope"/>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Hex SHA-256 of the request: method, target, content type, body (<see cref="RequestFingerprint"/>).</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>Who holds the claim: a request completes or releases only the claim it made.</summary>
    public Guid ClaimToken { get; set; }

    public bool Completed { get; set; }

    /// <summary>Until then an uncompleted claim is in flight (409); after it, abandoned (a crash) and taken over.</summary>
    public DateTime LeaseUntilUtc { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>After this the key is forgotten: a request with it is new, and the cleanup deletes the row.</summary>
    public DateTime ExpiresAtUtc { get; set; }

    public int? StatusCode { get; set; }

    /// <summary>The answer's replayed headers as a JSON object (Location, ETag, Content-Type, …).</summary>
    public string? Headers { get; set; }

    public byte[]? Body { get; set; }
}
