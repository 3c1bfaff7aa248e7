using System.Net;
using System.Text.Json;

namespace Platform.Messaging.Receipts;

/// <summary>Asks the ledger for one event's receipt (<c>GET /events/{id}/receipt</c>, a public read).</summary>
public sealed class LedgerReceiptClient(HttpClient http)
{
    public async Task<ReceiptAnswer> GetAsync(Guid eventId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"events/{eventId}/receipt", UriKind.Relative), cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var receipt = await response.Content.ReadAsStringAsync(cancellationToken);
                using (var document = JsonDocument.Parse(receipt))
                {
                    return new ReceiptAnswer(ReceiptAnswerKind.Ready, document.RootElement.GetProperty("leafIndex").GetInt64(), receipt);
                }
            case HttpStatusCode.Accepted:
                return new ReceiptAnswer(ReceiptAnswerKind.Pending, null, null);
            case HttpStatusCode.NotFound:
                return new ReceiptAnswer(ReceiptAnswerKind.NotFound, null, null);
            default:
                // 429, 503, a replica restarting: nothing can be concluded about the event.
                return new ReceiptAnswer(ReceiptAnswerKind.Unavailable, null, null);
        }
    }
}

public enum ReceiptAnswerKind
{
    Ready,

    /// <summary>In the log; the next quorum-signed checkpoint will cover it.</summary>
    Pending,

    /// <summary>The ledger never received it (or refused it): it must be sent again.</summary>
    NotFound,

    Unavailable,
}

public sealed record ReceiptAnswer(ReceiptAnswerKind Kind, long? LeafIndex, string? Receipt);
