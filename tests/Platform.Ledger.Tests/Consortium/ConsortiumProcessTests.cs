using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Ledger.Cli;
using Platform.Ledger.Core;
using Platform.Ledger.FaultHarness;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;
using Xunit.Abstractions;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>
/// Three member institutions, each running one replica of the real service binary as its own process, with its own
/// checkpoint key (its own key provider) and its own Raft CA, founded from one consortium configuration
/// (docs/consortium.md). One cluster for every check, to keep the suite short.
/// </summary>
[Collection(nameof(Faults.ProcessFaultTests))]
public sealed class ConsortiumProcessTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Three_institutions_sign_checkpoints_by_majority_named_in_receipts_refuse_unknown_CAs_and_the_auditor_finds_a_forged_fork()
    {
        await using var cluster = await FaultCluster.StartAsync(consortium: true);
        var (a, b, c) = (cluster.Replicas[0], cluster.Replicas[1], cluster.Replicas[2]);

        // The founding configuration is the ledger's, on every replica.
        foreach (var replica in cluster.Replicas)
        {
            var founded = await cluster.Http.GetFromJsonAsync<ConsortiumConfiguration>(new Uri(replica.Api, "consortium"), Web);
            Assert.Equal(FaultCluster.Institutions.Take(3), founded!.Members.Select(m => m.Name));
        }

        // A commit gets a consortium receipt whose checkpoint a majority of institutions signed.
        var (eventId, jws) = await cluster.Events.NextAsync();
        using (var submitted = await cluster.Http.SendAsync(FaultCluster.Submit(a, jws)))
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var receiptJson = await ReceiptAsync(cluster, b, eventId);
        var receipt = JsonSerializer.Deserialize<Receipt>(receiptJson, Web)!;
        Assert.Equal(Receipt.ConsortiumVersion, receipt.Version);
        var signers = ConsortiumVerifier.Signers(receipt.Checkpoint, cluster.Consortium!);
        Assert.True(signers.Count >= 2, $"signed by {string.Join(", ", signers)}");

        // `ledger verify` names the institutions that signed, against the configuration the verifier holds.
        var receiptFile = Path.Combine(Path.GetTempPath(), $"consortium-receipt-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(receiptFile, receiptJson);
        var verifyOut = new StringWriter();
        Assert.Equal(LedgerCli.Valid, LedgerCli.Run(["verify", receiptFile, "--consortium", cluster.ConsortiumFile], verifyOut, new StringWriter()));
        output.WriteLine(verifyOut.ToString());
        Assert.Contains($"signed by {signers.Count} of 3 member institutions: {string.Join(", ", signers)}.", verifyOut.ToString());

        // A replica certificate from a CA outside the consortium is refused; one from a member's CA is accepted.
        using var stranger = ReplicaCertificateAuthority.Create("not a member's CA", TimeSpan.FromDays(1));
        var refusedBefore = await RefusedConnectionsAsync(cluster, a);
        Assert.False(await HandshakeAsync(a, stranger, "ledger-9"), "a certificate from an unknown CA was accepted");
        Assert.True(await HandshakeAsync(a, cluster.InstitutionAuthority(c), c.Name), "a certificate from a member's CA was refused");
        // The replica counts a refusal after it has closed the connection (TlsConnectionListenerFactory disposes the
        // stream, then OnRefused), so the count may go up a moment after the client saw the refusal.
        await Platform.Testing.Eventually.TrueAsync(async () => await RefusedConnectionsAsync(cluster, a) > refusedBefore,
            "the refused handshake was counted", TimeSpan.FromSeconds(10));

        // Forwarding across institutions: a submission to a follower is relayed to another institution's leader,
        // signed with the follower's Raft TLS key (docs/consortium.md#forwarding-to-the-leader).
        var leader = await cluster.LeaderAsync();
        var follower = cluster.Replicas.First(r => r != leader);
        var (relayedId, relayedJws) = await cluster.Events.NextAsync();
        using (var relayed = await cluster.Http.SendAsync(FaultCluster.Submit(follower, relayedJws)))
            Assert.Equal(HttpStatusCode.Created, relayed.StatusCode);
        Assert.NotNull(await ReceiptAsync(cluster, leader, relayedId));
        await ForwardsAreBoundToTheirReplicaAsync(cluster, leader, follower);

        // The auditor finds the members' published checkpoints consistent...
        string[] urls = [.. cluster.Replicas.Select(r => r.Api.ToString())];
        var (clean, cleanReport) = await AuditAsync(["audit", "--consortium", cluster.ConsortiumFile, .. urls]);
        Assert.True(clean == LedgerCli.Valid, cleanReport.RootElement.ToString());
        Assert.Equal("consistent", cleanReport.RootElement.GetProperty("verdict").GetString());

        // As a witness over the same replicas it cosigns the newest head it verified (docs/consortium.md#witness-cosigning).
        var witnessKey = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(witnessKey, key.ExportPkcs8PrivateKeyPem());
        var witnessState = Path.Combine(Path.GetTempPath(), $"witness-state-{Guid.NewGuid():N}.json");
        string[] witness = ["audit", "--consortium", cluster.ConsortiumFile, "--witness-name", "process-witness", "--witness-key", witnessKey, "--state", witnessState];
        var (cosigned, cosignedReport) = await AuditAsync([.. witness, .. urls]);
        Assert.True(cosigned == LedgerCli.Valid, cosignedReport.RootElement.ToString());
        Assert.True(cosignedReport.RootElement.GetProperty("witness").GetProperty("cosigned").GetBoolean());
        var witnessed = await File.ReadAllBytesAsync(witnessState);

        // ...and reports a forged fork: the latest checkpoint re-signed over another root by two institutions (a
        // majority colluding), and one signed by a single institution (a minority), with the evidence.
        var latest = (await cluster.Http.GetFromJsonAsync<SignedCheckpoint>(new Uri(a.Api, "checkpoints/latest"), Web))!;
        var forgedRoot = latest.Checkpoint with { RootHash = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)) };
        var forkFile = await WriteAsync(await SignAsync(cluster, forgedRoot, a, b));
        var minorityFile = await WriteAsync(await SignAsync(cluster, forgedRoot with { TreeSize = latest.Checkpoint.TreeSize + 1000 }, c));
        var (exit, report) = await AuditAsync(["audit", "--consortium", cluster.ConsortiumFile, "--checkpoint", forkFile, "--checkpoint", minorityFile, .. urls]);
        Assert.Equal(LedgerCli.Invalid, exit);
        Assert.Equal("equivocation", report.RootElement.GetProperty("verdict").GetString());
        var findings = report.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var fork = Assert.Single(findings, f => f.GetProperty("kind").GetString() == ForkAudit.Conflicting);
        var evidence = fork.GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal(2, evidence.Count);
        Assert.Contains(evidence, e => e.GetProperty("checkpoint").GetProperty("checkpoint").GetProperty("rootHash").GetString() == forgedRoot.RootHash
            && e.GetProperty("signers").EnumerateArray().Select(s => s.GetString()).SequenceEqual([FaultCluster.Institutions[0], FaultCluster.Institutions[1]]));
        Assert.Contains(evidence, e => e.GetProperty("checkpoint").GetProperty("checkpoint").GetProperty("rootHash").GetString() == latest.Checkpoint.RootHash);
        var minority = Assert.Single(findings, f => f.GetProperty("kind").GetString() == ForkAudit.Minority);
        Assert.Equal([FaultCluster.Institutions[2]], minority.GetProperty("checkpoints")[0].GetProperty("signers").EnumerateArray().Select(s => s.GetString()));

        // The witness, shown the fork, cosigns nothing and keeps the head it had verified.
        var (refused, refusedReport) = await AuditAsync([.. witness, "--checkpoint", forkFile, .. urls]);
        Assert.Equal(LedgerCli.Invalid, refused);
        Assert.False(refusedReport.RootElement.GetProperty("witness").GetProperty("cosigned").GetBoolean());
        Assert.Equal(witnessed, await File.ReadAllBytesAsync(witnessState));
        File.Delete(witnessKey);
        File.Delete(witnessState);
        File.Delete(receiptFile);
        File.Delete(forkFile);
        File.Delete(minorityFile);
    }

    private static async Task<string> ReceiptAsync(FaultCluster cluster, ReplicaProcess replica, Guid eventId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await cluster.Http.GetAsync(new Uri(replica.Api, $"events/{eventId}/receipt"));
            if (response.StatusCode == HttpStatusCode.OK)
                return await response.Content.ReadAsStringAsync();
            Assert.True(DateTime.UtcNow < deadline, $"No receipt within 30 s ({response.StatusCode}).\n{cluster.Diagnostics()}");
            await Task.Delay(100);
        }
    }

    // What the leader's /internal/commands accepts on a consortium ledger: a forward signed by a member replica's Raft
    // TLS key with its certificate, once; not the shared cluster token, another institution's key, a foreign CA, a
    // member CA's certificate for another institution's replica, nor a stale signature. Every refusal is problem+json.
    private static async Task ForwardsAreBoundToTheirReplicaAsync(FaultCluster cluster, ReplicaProcess leader, ReplicaProcess follower)
    {
        var other = cluster.Replicas.First(r => r != leader && r != follower);
        var latest = (await cluster.Http.GetFromJsonAsync<SignedCheckpoint>(new Uri(leader.Api, "checkpoints/latest"), Web))!;
        var key = await cluster.InstitutionKeyAsync(follower);
        var body = new SignCheckpoint(latest.Checkpoint.TreeSize, follower.Name, key.KeyId,
            Base64Url.EncodeToString(await key.SignAsync(latest.Checkpoint.SigningBytes(), CancellationToken.None))).ToBytes();
        var ledgerId = cluster.Consortium!.LedgerId;
        using var own = cluster.RaftCertificate(follower);
        using var others = cluster.RaftCertificate(other);
        using var stranger = ReplicaCertificateAuthority.Create("not a member's CA", TimeSpan.FromDays(1));
        using var foreign = stranger.Issue(follower.Name, [follower.Name], [], TimeSpan.FromHours(1));
        using var misbound = cluster.InstitutionAuthority(follower).Issue(other.Name, [other.Name], [], TimeSpan.FromHours(1));

        HttpRequestMessage Forward(System.Security.Cryptography.X509Certificates.X509Certificate2? signer, DateTimeOffset? at = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(leader.Api, "internal/commands")) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            if (signer is null)
                request.Headers.Authorization = new("Bearer", cluster.ClusterToken);
            else
                Platform.Ledger.Node.ForwardSignature.Sign(request, signer, ledgerId, body, at ?? DateTimeOffset.UtcNow);
            return request;
        }

        async Task RefusedAsync(HttpRequestMessage request, string because)
        {
            using (request)
            using (var response = await cluster.Http.SendAsync(request))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{because}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("forward_refused", problem.GetProperty("code").GetString());
            }
        }

        await RefusedAsync(Forward(null), "the cluster token every institution holds was accepted");
        var accepted = Forward(own);
        var replay = new HttpRequestMessage(HttpMethod.Post, accepted.RequestUri) { Content = new ByteArrayContent(body) };
        replay.Content.Headers.ContentType = new("application/json");
        foreach (var header in accepted.Headers)
            replay.Headers.Add(header.Key, header.Value);
        using (accepted)
        using (var response = await cluster.Http.SendAsync(accepted))
            Assert.True(response.IsSuccessStatusCode, $"a forward signed by the follower's own certificate was refused: {await response.Content.ReadAsStringAsync()}");
        await RefusedAsync(replay, "a forward was accepted twice");

        // The other institution's certificate with the follower's key: the signature does not verify.
        var swapped = Forward(own);
        swapped.Headers.Remove(Platform.Ledger.Node.ForwardSignature.CertificateHeader);
        swapped.Headers.Add(Platform.Ledger.Node.ForwardSignature.CertificateHeader, Convert.ToBase64String(others.RawData));
        await RefusedAsync(swapped, "another institution's certificate was taken for a signature it did not make");
        await RefusedAsync(Forward(foreign), "a certificate from a CA outside the consortium was accepted");
        await RefusedAsync(Forward(misbound), "a member CA's certificate for another institution's replica was accepted");
        await RefusedAsync(Forward(own, DateTimeOffset.UtcNow.AddMinutes(-5)), "a five-minute-old signature was accepted");
    }

    private static async Task<SignedCheckpoint> SignAsync(FaultCluster cluster, Checkpoint checkpoint, params ReplicaProcess[] signers)
    {
        var signatures = new List<CheckpointSignature>();
        foreach (var replica in signers)
        {
            var key = await cluster.InstitutionKeyAsync(replica);
            signatures.Add(new CheckpointSignature(replica.Name, key.KeyId, Base64Url.EncodeToString(await key.SignAsync(checkpoint.SigningBytes(), CancellationToken.None))));
        }
        return new SignedCheckpoint(checkpoint, signatures);
    }

    private static async Task<string> WriteAsync(SignedCheckpoint checkpoint)
    {
        var file = Path.Combine(Path.GetTempPath(), $"forged-checkpoint-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(checkpoint));
        return file;
    }

    private async Task<(int Exit, JsonDocument Report)> AuditAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AuditCommand.RunAsync(args, stdout, stderr);
        output.WriteLine(stdout.ToString());
        Assert.True(exit != LedgerCli.Unusable, stderr.ToString());
        return (exit, JsonDocument.Parse(stdout.ToString()));
    }

    // A TLS client on the replica's Raft port presenting a certificate for `name` issued by `authority`.
    internal static async Task<bool> HandshakeAsync(ReplicaProcess replica, ReplicaCertificateAuthority authority, string name)
    {
        using var issued = authority.Issue(name, [name], [], TimeSpan.FromHours(1));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(replica.Address, replica.RaftPort);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = replica.Name,
                ClientCertificates = [issued],
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, _, _, _) => true, // this test checks the replica's verdict, not ours
            });
            // TLS 1.3: the server checks the client's certificate after the client finished; a refusal shows on the next read.
            tls.ReadTimeout = 2000;
            var buffer = new byte[1];
            var read = tls.ReadAsync(buffer).AsTask();
            var finished = await Task.WhenAny(read, Task.Delay(1500));
            return finished != read || await read > 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return false;
        }
    }

    internal static async Task<long> RefusedConnectionsAsync(FaultCluster cluster, ReplicaProcess replica)
    {
        var status = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(replica.Api, "cluster/status"));
        return status.GetProperty("raft").GetProperty("refusedConnections").GetInt64();
    }
}
