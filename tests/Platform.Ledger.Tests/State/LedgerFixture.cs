using System.Buffers.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger.Core;
using Platform.Ledger.Verification;
using Platform.SignedEvents;

namespace Platform.Ledger.Tests.State;

/// <summary>
/// A three-replica ledger state driven command by command (no Raft here): a consent publisher key, one checkpoint
/// key per replica, and helpers that append commands the way the replicated log would.
/// </summary>
public sealed class LedgerFixture : IAsyncDisposable
{
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("ledger-state-").FullName;
    private readonly SoftwareKeyProvider _keys;
    private long _index;

    private LedgerFixture()
    {
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _keyDirectory }, NullLogger<SoftwareKeyProvider>.Instance);
    }

    public LedgerState State { get; } = new(new LedgerOptions { LedgerId = "test-ledger", ReplicaCount = 3 });
    public List<byte[]> Log { get; } = [];
    public ISigningKey ConsentKey { get; private set; } = null!;
    public IReadOnlyList<(string Replica, ISigningKey Key)> Replicas { get; private set; } = [];

    public IReadOnlyList<ReplicaKey> TrustedReplicaKeys => Replicas
        .Select(r => r.Key.GetPublicJwk() is var j ? new ReplicaKey(r.Replica, j.Kid, j.Kty, j.Crv, j.X, j.Y) : null!)
        .ToArray();

    public static async Task<LedgerFixture> CreateAsync()
    {
        var fixture = new LedgerFixture();
        fixture.ConsentKey = await fixture._keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
        var replicas = new List<(string, ISigningKey)>();
        foreach (var name in new[] { "ledger-0", "ledger-1", "ledger-2" })
        {
            replicas.Add((name, await fixture._keys.GetSigningKeyAsync(name, CancellationToken.None)));
        }
        fixture.Replicas = replicas;
        fixture.Append(new RegisterPublisherKey("consent", fixture.ConsentKey.GetPublicJwk()));
        foreach (var (name, key) in replicas)
        {
            fixture.Append(new RegisterReplicaKey(name, key.GetPublicJwk()));
        }
        return fixture;
    }

    /// <summary>Appends a command to the log and applies it; returns its log index.</summary>
    public long Append(LedgerCommand command)
    {
        var bytes = command.ToBytes();
        Log.Add(bytes);
        State.Apply(++_index, bytes);
        return _index;
    }

    public Task<(string Jws, ConsentEventPayload Payload)> SignConsentEventAsync(Guid? eventId = null) =>
        TestConsentEvents.SignAsync(ConsentKey, eventId);

    public SubmitOutcome Submit(string jws) => State.OutcomeAt(Append(new SubmitEvent(jws)))!;

    /// <summary>Closes a block and has the given replicas sign its checkpoint.</summary>
    public async Task<Checkpoint> CloseAndSignAsync(int signers)
    {
        Checkpoint? closed = null;
        void Capture(Checkpoint c) => closed = c;
        State.BlockClosed += Capture;
        Append(new CloseBlock(1_800_000_000_000 + _index));
        State.BlockClosed -= Capture;
        Assert.NotNull(closed);
        foreach (var (name, key) in Replicas.Take(signers))
        {
            Append(await SignatureAsync(closed!, name, key));
        }
        return closed!;
    }

    public static async Task<SignCheckpoint> SignatureAsync(Checkpoint checkpoint, string replica, ISigningKey key) =>
        new(checkpoint.TreeSize, replica, key.KeyId, Base64Url.EncodeToString(await key.SignAsync(checkpoint.SigningBytes(), CancellationToken.None)));

    public ValueTask DisposeAsync()
    {
        _keys.Dispose();
        Directory.Delete(_keyDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
