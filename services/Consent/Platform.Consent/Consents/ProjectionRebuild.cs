using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Crypto;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.Consent.Consents;

/// <summary>
/// Rebuilds the consents' current state from the ledger: reads every committed entry in log order, keeps the
/// consent events this service signed (signature checked), takes each version's snapshot from the history
/// table only if its hash equals the hash committed on the ledger, and replays each consent's versions in order. The result is compared
/// with the live store and, when asked, written over it — the ledger, not this database, decides what happened.
/// Entries are private: the ledger answers them to auditors only, so this client carries a <c>ledger.audit</c>
/// token (client credentials) or the static <c>Consent:LedgerAuditToken</c>. v2 entries are checked with the
/// consent's secret (salted hash, blinded subject), v1 entries with the plain hash. The ledger client runs through
/// <c>ServiceClientResilience</c> (<see cref="ProjectionRebuildOptions"/>); a ledger that cannot be read ends the
/// rebuild with <see cref="LedgerUnavailableException"/> (503) before anything is compared or written.
/// </summary>
public sealed class ProjectionRebuild(IHttpClientFactory http, ConsentDbContext db, IKeyProvider keys)
{
    public const string HttpClientName = "ledger-audit";
    public const string AuditScope = "ledger.audit";

    public async Task<RebuildReport> RunAsync(bool apply, CancellationToken cancellationToken)
    {
        var ledger = http.CreateClient(HttpClientName);
        var ownKey = (await keys.GetSigningKeyAsync(ConsentEventSigner.KeyName, cancellationToken)).GetPublicJwk();
        var size = await FromLedgerAsync(() => CommittedSizeAsync(ledger, cancellationToken), cancellationToken);
        var changes = new List<ConsentChange>();
        var problems = new List<string>();
        var salts = new Dictionary<Guid, byte[]>();
        for (long index = 0; index < size; index++)
        {
            var at = index;
            var signedEvent = await FromLedgerAsync(async () =>
                (await ledger.GetFromJsonAsync<JsonElement>($"entries/{at}", cancellationToken)).GetProperty("signedEvent").GetString()
                ?? throw new JsonException("The entry's signedEvent is null."), cancellationToken);
            var validation = SignedEventValidator.Validate(signedEvent,
                kid => kid == ownKey.Kid ? new PublisherKey("consent", ownKey) : null);
            if (validation.Payload is not ConsentEventPayload payload)
            {
                continue; // another publisher's event (record access, or a key we do not hold)
            }
            var version = await db.ConsentVersions.AsNoTracking()
                .FirstOrDefaultAsync(v => v.ConsentId == payload.ConsentId && v.Version == payload.ConsentVersion, cancellationToken);
            if (version is null)
            {
                problems.Add($"entry {index}: consent {payload.ConsentId} version {payload.ConsentVersion} has no snapshot here");
                continue;
            }
            var consent = ConsentSnapshot.Parse(version.Snapshot);
            if (!ConsentEventPayloads.Commits(payload, consent, version.LedgerSalt))
            {
                problems.Add($"entry {index}: the stored snapshot of consent {payload.ConsentId} version {payload.ConsentVersion} does not match the committed hash");
                continue;
            }
            if (!ConsentActionCodes.TryParse(version.Action, out var action))
            {
                problems.Add($"entry {index}: unknown action '{version.Action}'");
                continue;
            }
            changes.Add(ConsentChange.Of(action.Value, consent));
            if (version.LedgerSalt is { } salt)
            {
                salts[payload.ConsentId] = salt;
            }
        }

        // Each consent's versions in version order (a stable sort keeps the ledger's order otherwise): the ledger
        // holds them in the order they reached it, which at-least-once delivery does not keep (a retried event,
        // several publishes in flight), while the version numbers are part of what the service signed.
        var rebuilt = ConsentProjection.Rebuild(changes.OrderBy(c => c.Version));
        problems.AddRange(rebuilt.Problems.Select(p => p.ToString()));
        var live = (await db.Consents.AsNoTracking().ToListAsync(cancellationToken)).Select(r => r.ToConsent()).ToList();
        var differences = ConsentProjection.Compare(live, rebuilt.Consents);
        if (apply && problems.Count == 0)
        {
            await ApplyAsync(rebuilt.Consents.Values, salts, cancellationToken);
        }
        return new RebuildReport(size, changes.Count, rebuilt.Consents.Count, problems, [.. differences.Select(d => d.ToString())], apply && problems.Count == 0);
    }

    /// <summary>
    /// One read from the ledger through the client's resilience pipeline; whatever keeps it from giving a usable
    /// answer is <see cref="LedgerUnavailableException"/> (the caller's own cancellation propagates).
    /// </summary>
    private static async Task<T> FromLedgerAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read();
        }
        catch (HttpRequestException ex)
        {
            throw new LedgerUnavailableException(ex.StatusCode is { } status ? $"HTTP {(int)status}" : "unreachable");
        }
        catch (Exception ex) when (ServiceClientResilience.IsRejected(ex))
        {
            throw new LedgerUnavailableException(ServiceClientResilience.IsTimeout(ex) ? "timeout" : "circuit open");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller giving up.
            throw new LedgerUnavailableException("timeout");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new LedgerUnavailableException("malformed answer");
        }
    }

    private static async Task<long> CommittedSizeAsync(HttpClient ledger, CancellationToken cancellationToken)
    {
        using var response = await ledger.GetAsync("checkpoints/latest", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var checkpoint = body.TryGetProperty("checkpoint", out var inner) ? inner : body;
        return checkpoint.GetProperty("treeSize").GetInt64();
    }

    private async Task ApplyAsync(IEnumerable<PatientConsent> consents, IReadOnlyDictionary<Guid, byte[]> salts, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var consent in consents)
        {
            var hash = ConsentHash.Compute(consent);
            var row = await db.Consents.FirstOrDefaultAsync(c => c.Id == consent.Id, cancellationToken);
            if (row is null)
            {
                row = ConsentRow.From(consent, hash);
                db.Consents.Add(row);
            }
            else
            {
                row.CopyFrom(consent, hash);
            }
            // The secret the committed versions were blinded with, so the next change continues under it.
            row.LedgerSalt ??= salts.GetValueOrDefault(consent.Id);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}

/// <summary>What a rebuild found: entries read, consent events replayed, and how the live store differs.</summary>
public sealed record RebuildReport(long LedgerEntries, int ConsentEvents, int Consents, IReadOnlyList<string> Problems, IReadOnlyList<string> Differences, bool Applied);
