using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Crypto.Software;
using Platform.SignedEvents;

namespace Platform.Benchmarks;

/// <summary>
/// What one ES256 verification costs on this machine, measured the way a replica pays it (a reused key object, one
/// thread), plus the whole validation of a signed event (parsing, contract, rules). The ledger's throughput bound is
/// cores ÷ (replicas × verification), since every replica verifies every event.
/// </summary>
public static class VerificationCost
{
    public sealed record Cost(double VerifyMicroseconds, double ValidateMicroseconds);

    public static async Task<Cost> MeasureAsync(int iterations = 4_000)
    {
        var directory = Directory.CreateTempSubdirectory("bench-verify-").FullName;
        try
        {
            using var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = directory }, NullLogger<SoftwareKeyProvider>.Instance);
            var key = await keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
            var jws = await new SignedEventWriter(key).SignAsync(new ConsentEventPayload
            {
                EventId = Guid.NewGuid(),
                Issuer = "consent",
                IssuedAt = 1_800_000_000,
                Subject = "pseud-00000001",
                ConsentId = Guid.NewGuid(),
                ConsentVersion = 1,
                ConsentHash = new string('c', 64),
                Action = "grant",
            }, CancellationToken.None);
            var publisher = new PublisherKey("consent", key.GetPublicJwk());
            var parts = CompactJws.TryParse(jws) ?? throw new InvalidOperationException("the writer produced no compact JWS");
            var (signingInput, signature) = (parts.SigningInput, parts.Signature ?? throw new InvalidOperationException("the writer produced no signature"));

            double Time(Func<bool> check)
            {
                for (var i = 0; i < iterations / 10; i++)
                {
                    check(); // warm-up
                }
                var stopwatch = Stopwatch.StartNew();
                for (var i = 0; i < iterations; i++)
                {
                    if (!check())
                    {
                        throw new InvalidOperationException("a genuine signature did not verify");
                    }
                }
                return stopwatch.Elapsed.TotalMicroseconds / iterations;
            }

            var verify = Time(() => publisher.Verifier.Verify(signingInput, signature));
            var validate = Time(() => SignedEventValidator.Validate(jws, _ => publisher).IsValid);
            return new Cost(verify, validate);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
