using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>Sends a command from a follower to the leader's <c>POST /internal/commands</c>, authenticated by the cluster token.</summary>
public sealed class LeaderForwarder(HttpClient http, IOptions<LedgerNodeOptions> options)
{
    public async Task<AppendResult> ForwardAsync(Uri leaderApi, LedgerCommand command, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(leaderApi, "internal/commands"))
        {
            Content = new ByteArrayContent(command.ToBytes()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ClusterToken);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new QuorumUnavailableException($"The leader at {leaderApi} could not be reached.", ex);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.MisdirectedRequest)
            {
                throw new QuorumUnavailableException($"The leader at {leaderApi} could not commit the command (HTTP {(int)response.StatusCode}).");
            }
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<AppendResult>(cancellationToken)
                ?? throw new QuorumUnavailableException("The leader answered without a result.");
        }
    }
}
