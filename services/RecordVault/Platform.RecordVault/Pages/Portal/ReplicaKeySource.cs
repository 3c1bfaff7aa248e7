using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Ledger.Verification;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// The ledger replicas' public keys, fetched from the ledger (<c>GET /replicas/keys</c>, the trusted keys of
/// <c>ledger verify --keys</c>) rather than taken from the receipt being checked, so a receipt cannot vouch for
/// itself. Where from: <c>RecordVault:Pages:LedgerUrl</c>, else <c>Receipts:LedgerUrl</c>. Kept for five minutes;
/// without a ledger address (or when it does not answer) there are no trusted keys and receipts are not marked verified.
/// </summary>
public sealed class ReplicaKeySource(IHttpClientFactory clients, IConfiguration configuration, TimeProvider time)
{
    public const string HttpClientName = "ledger-replica-keys";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (IReadOnlyList<ReplicaKey> Keys, DateTimeOffset At)? _cached;

    public Uri? LedgerUrl => (configuration["RecordVault:Pages:LedgerUrl"] is { Length: > 0 } own ? own : configuration["Receipts:LedgerUrl"]) is { Length: > 0 } url
        ? new Uri(url) : null;

    public async Task<IReadOnlyList<ReplicaKey>?> TrustedKeysAsync(CancellationToken cancellationToken)
    {
        if (LedgerUrl is not { } ledger)
        {
            return null;
        }
        if (_cached is { } hit && time.GetUtcNow() - hit.At < Lifetime)
        {
            return hit.Keys;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var client = clients.CreateClient(HttpClientName);
            var answer = await client.GetFromJsonAsync<JsonElement>(new Uri(ledger, "/replicas/keys"), cancellationToken);
            var keys = answer.GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web) ?? [];
            _cached = (keys, time.GetUtcNow());
            return keys;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException or InvalidOperationException)
        {
            return _cached?.Keys;
        }
        finally
        {
            _gate.Release();
        }
    }
}
