using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>
/// Sends a command from a follower to the leader's <c>POST /internal/commands</c>, authenticated by the cluster token;
/// on a consortium ledger by a signature of this replica's Raft TLS key instead (<see cref="ForwardSignature"/>), so
/// the leader knows which institution's replica forwards and no institution holds a credential of another's.
/// </summary>
public sealed class LeaderForwarder(HttpClient http, IOptions<LedgerNodeOptions> options, RaftReplica replica, LedgerState state, TimeProvider clock)
{
    public async Task<AppendResult> ForwardAsync(Uri leaderApi, LedgerCommand command, CancellationToken cancellationToken)
    {
        var body = command.ToBytes();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(leaderApi, "internal/commands"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (options.Value.Consortium.IsConfigured && replica.Tls is { } tls)
        {
            ForwardSignature.Sign(request, tls.Certificate, state.Options.LedgerId, body, clock.GetUtcNow());
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ClusterToken);
        }
        HttpResponseMessage response;
        // The leader answers within its commit timeout; a leader that does not is behind a partition or gone, and
        // the caller should hear 503 about as soon as it would from the leader itself.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.CommitTimeout + TimeSpan.FromSeconds(2));
        try
        {
            response = await http.SendAsync(request, deadline.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new QuorumUnavailableException($"The leader at {leaderApi} could not be reached.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's timeout, not the caller's: a partition swallows packets instead of refusing them.
            throw new QuorumUnavailableException($"The leader at {leaderApi} did not answer in time.", ex);
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
