using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Crypto.Software;
using Platform.Ledger;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// The whole path a consent change takes, at a fixed offered rate: the consent service's own write path
/// (<see cref="ConsentCommands.GrantAsync(string, Grantee, IEnumerable{string}, IEnumerable{string}, DateTimeOffset?, DateTimeOffset?, ChangeAuthor, CancellationToken, IEnumerable{string}?)"/>:
/// state, signed event and outbox row in one transaction) → its outbox relay → the in-process broker (the dev host's
/// bus) → three real ledger service replicas (consumer group <c>ledger</c>, Raft over mutual TLS, group commit) →
/// a final checkpoint → <c>ledger.committed</c> from the ledger's outbox → back on the bus to the consent service,
/// which stores the receipt. Latency is from the grant's commit to <c>ledger.committed</c> reaching the publisher's
/// consumer group (an observer group on the same topic sees the same delivery). At each row's end: the consent
/// service's outbox backlog (rows not yet published) and its versions still without a receipt, both read from its
/// database; a rate is sustained only if the outbox backlog does not grow.
/// </summary>
public static class LedgerEndToEndBenchmark
{
    private const int MaxInFlightGrants = 64;

    public static async Task RunAsync(TimeSpan duration, int[] rates)
    {
        Console.WriteLine($"Ledger end to end: consent service → outbox → in-process bus → 3 ledger replicas (one process, TLS, group commit) → ledger.committed → consent service; {duration.TotalSeconds:F0} s per row, {Environment.ProcessorCount} cores");
        await using var platform = await Platform.StartAsync();
        Console.WriteLine($"{"offered/s",10} {"granted/s",10} {"receipts/s",11} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"outbox backlog",15} {"backlog before",15} {"no receipt yet",15} {"never got",9} {"errors",7}");
        foreach (var rate in rates)
        {
            var before = await platform.OutboxBacklogAsync();
            var row = await platform.DriveAsync(rate, duration);
            // The backlog the instant the offered load stops: the row's verdict on "sustained".
            var after = await platform.OutboxBacklogAsync();
            var awaiting = await platform.AwaitingReceiptAsync();
            // Then every receipt of the row is awaited (up to a minute), so the percentiles include the slowest.
            await platform.DrainAsync(TimeSpan.FromSeconds(60));
            var latencies = platform.Latencies();
            var sorted = latencies.Select(l => l.Milliseconds).Order().ToArray();
            var inRow = latencies.Count(l => l.ArrivedAt <= row.EndedAt);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rate,10} {row.Granted / row.Seconds,10:F0} {inRow / row.Seconds,11:F0} {Percentile(sorted, 0.5),8:F0} {Percentile(sorted, 0.99),8:F0} {(sorted.Length == 0 ? 0 : sorted[^1]),8:F0} {after,15} {before,15} {awaiting,15} {row.Granted - sorted.Length,9} {row.Errors,7}"));
            if (row.FirstError is { } error)
            {
                Console.WriteLine($"    first error: {error}");
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

    private sealed record RowResult(long Granted, double Seconds, long EndedAt, long Errors, string? FirstError);

    /// <summary>The consent service and three ledger replicas on one in-process broker, in a temporary folder.</summary>
    private sealed class Platform : IAsyncDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("bench-e2e-").FullName;
        private readonly InProcessBroker _broker = new(new InProcessBrokerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(100) });
        private readonly List<ServiceUnderTest> _ledger = [];
        private readonly ConcurrentDictionary<Guid, long> _grantedAt = new();
        private readonly ConcurrentBag<(double Milliseconds, long ArrivedAt)> _latencies = [];
        private IAsyncDisposable _observer = null!;
        private ServiceUnderTest _consent = null!;

        public static async Task<Platform> StartAsync()
        {
            var platform = new Platform();
            await platform.StartServicesAsync();
            return platform;
        }

        private async Task StartServicesAsync()
        {
            _observer = _broker.Subscribe(EventTopics.For<LedgerCommittedV1>(), "bench-observer", "unused", (message, _) =>
            {
                var at = Stopwatch.GetTimestamp();
                var committed = (LedgerCommittedV1)EventSerializer.Deserialize(message.Payload.Span, typeof(LedgerCommittedV1));
                if (_grantedAt.TryRemove(committed.CommittedEventId, out var granted))
                {
                    _latencies.Add((Stopwatch.GetElapsedTime(granted, at).TotalMilliseconds, at));
                }
                return Task.FromResult(DispatchOutcome.Success);
            });

            var consentKeys = Path.Combine(_root, "consent-keys");
            Dictionary<string, string?> publisher;
            using (var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = consentKeys }, NullLogger<SoftwareKeyProvider>.Instance))
            {
                publisher = PublisherSettings.For(0, "consent", (await keys.GetSigningKeyAsync(ConsentEventSigner.KeyName, CancellationToken.None)).GetPublicJwk());
            }
            var ports = FreePort.Allocate(6);
            var tls = Directory.CreateDirectory(Path.Combine(_root, "raft-tls")).FullName;
            using (var authority = ReplicaCertificateAuthority.Create("bench ledger Raft CA", TimeSpan.FromDays(1)))
            {
                File.WriteAllText(Path.Combine(tls, "ca.crt"), authority.Certificate.ExportCertificatePem());
                for (var i = 0; i < 3; i++)
                {
                    using var issued = authority.Issue($"ledger-{i}", [$"ledger-{i}"], [System.Net.IPAddress.Loopback], TimeSpan.FromDays(1));
                    ReplicaCertificateAuthority.WritePem(issued, Path.Combine(tls, $"ledger-{i}.crt"), Path.Combine(tls, $"ledger-{i}.key"));
                }
            }
            var clusterToken = Convert.ToHexString(Guid.NewGuid().ToByteArray());
            var starts = new List<Task<ServiceUnderTest>>();
            for (var i = 0; i < 3; i++)
            {
                var settings = new Dictionary<string, string?>(publisher)
                {
                    ["Urls"] = $"http://127.0.0.1:{ports[2 * i].Port}",
                    ["Keys:Provider"] = "Software",
                    // Warnings under load (a follower behind, a signature retried) would bury the table.
                    ["Logging:LogLevel:Default"] = "Error",
                    ["Ledger:ReplicaName"] = $"ledger-{i}",
                    ["Ledger:ClusterToken"] = clusterToken,
                    // As in the dev host (three replicas in one process): followers acknowledge before flushing.
                    ["Ledger:DurableAcknowledgements"] = "false",
                    ["Ledger:RaftTls:CertificateFile"] = Path.Combine(tls, $"ledger-{i}.crt"),
                    ["Ledger:RaftTls:KeyFile"] = Path.Combine(tls, $"ledger-{i}.key"),
                    ["Ledger:RaftTls:AuthorityFile"] = Path.Combine(tls, "ca.crt"),
                };
                for (var r = 0; r < 3; r++)
                {
                    settings[$"Ledger:Replicas:{r}:Name"] = $"ledger-{r}";
                    settings[$"Ledger:Replicas:{r}:RaftEndPoint"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{ports[(2 * r) + 1].Port}");
                    settings[$"Ledger:Replicas:{r}:ApiUrl"] = $"http://127.0.0.1:{ports[2 * r].Port}/";
                }
                starts.Add(ServiceUnderTest.StartAsync(LedgerService.Build, settings, b => b.Services.AddSingleton(_broker)));
            }
            _ledger.AddRange(await Task.WhenAll(starts));
            _consent = await ServiceUnderTest.StartAsync(ConsentService.Build, new Dictionary<string, string?>
            {
                ["Keys:Provider"] = "Software",
                ["Keys:Software:KeyDirectory"] = consentKeys,
                ["Logging:LogLevel:Default"] = "Error",
                // Never called: grants go through ConsentCommands, not HTTP.
                ["Authentication:Authority"] = "http://127.0.0.1:9/",
                ["Authentication:RequireHttpsMetadata"] = "false",
                ["Consent:Pages:ClientSecret"] = "bench-consent-pages-secret-0123456789",
                ["Consent:LedgerUrl"] = $"http://127.0.0.1:{ports[0].Port}/",
                // The publisher's safety net is not part of the measured path.
                ["Receipts:FirstRoundDelay"] = "01:00:00",
            }, b => b.Services.AddSingleton(_broker));
            await WaitUntilCommittingAsync();
        }

        // The leader registers the consent key in the log at start; a grant before that would be retried, not lost,
        // but would count its wait as latency.
        private async Task WaitUntilCommittingAsync()
        {
            var state = _ledger[0].Services.GetRequiredService<LedgerNode>().State;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!state.HasPublisherKey(PublisherKid()) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            var warm = await DriveAsync(20, TimeSpan.FromSeconds(2));
            await DrainAsync(TimeSpan.FromSeconds(60));
            Console.WriteLine($"warm-up: {warm.Granted} grants, {Latencies().Count} receipts");
        }

        private string PublisherKid()
        {
            var configuration = _ledger[0].Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
            return configuration["Ledger:Publishers:0:Jwk:Kid"]!;
        }

        public async Task<RowResult> DriveAsync(int rate, TimeSpan duration)
        {
            _latencies.Clear();
            long granted = 0, errors = 0;
            string? firstError = null;
            using var slots = new SemaphoreSlim(MaxInFlightGrants);
            var inFlight = new List<Task>();
            var stopwatch = Stopwatch.StartNew();
            var issued = 0L;
            // Open loop: the n-th grant is due at n / rate seconds, whatever the earlier ones are doing (up to
            // MaxInFlightGrants at once; beyond that the offered rate is not reached, and granted/s shows it).
            while (stopwatch.Elapsed < duration)
            {
                var due = (long)(stopwatch.Elapsed.TotalSeconds * rate);
                while (issued < due)
                {
                    issued++;
                    await slots.WaitAsync();
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await GrantAsync();
                            Interlocked.Increment(ref granted);
                        }
                        catch (Exception ex)
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }));
                }
                await Task.Delay(5);
            }
            var endedAt = Stopwatch.GetTimestamp();
            var seconds = stopwatch.Elapsed.TotalSeconds;
            await Task.WhenAll(inFlight);
            return new RowResult(granted, seconds, endedAt, errors, firstError);
        }

        /// <summary>Publish-to-receipt latencies of the current row so far, with each receipt's arrival.</summary>
        public IReadOnlyList<(double Milliseconds, long ArrivedAt)> Latencies() => _latencies.ToArray();

        private async Task GrantAsync()
        {
            await using var scope = _consent.Services.CreateAsyncScope();
            var commands = scope.ServiceProvider.GetRequiredService<ConsentCommands>();
            var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
            var consent = await commands.GrantAsync("patient-" + Guid.NewGuid().ToString("N"), Grantee.Practitioner("practitioner-bench"),
                ["observation"], ["TREAT"], null, null, ChangeAuthor.Service, CancellationToken.None);
            // Committed: the clock starts now. The version row tells which signed event carries it.
            var eventId = await db.ConsentVersions.Where(v => v.ConsentId == consent.Id).Select(v => v.EventId).SingleAsync();
            _grantedAt[eventId] = Stopwatch.GetTimestamp();
        }

        /// <summary>The consent service's outbox rows not yet published.</summary>
        public async Task<int> OutboxBacklogAsync()
        {
            await using var scope = _consent.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Set<OutboxMessage>().CountAsync(m => m.SentAtUtc == null);
        }

        /// <summary>The consent service's versions still without a receipt.</summary>
        public async Task<int> AwaitingReceiptAsync()
        {
            await using var scope = _consent.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ConsentVersions.CountAsync(v => v.Receipt == null);
        }

        public async Task DrainAsync(TimeSpan limit)
        {
            var deadline = DateTime.UtcNow + limit;
            while (DateTime.UtcNow < deadline && (!_grantedAt.IsEmpty || await AwaitingReceiptAsync() > 0 || await OutboxBacklogAsync() > 0))
            {
                await Task.Delay(200);
            }
            _grantedAt.Clear();
        }

        public async ValueTask DisposeAsync()
        {
            await _observer.DisposeAsync();
            await _consent.DisposeAsync();
            foreach (var replica in _ledger)
            {
                await replica.DisposeAsync();
            }
            await _broker.DisposeAsync();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // a WAL file may still be closing; the OS cleans temp
            }
        }
    }
}
