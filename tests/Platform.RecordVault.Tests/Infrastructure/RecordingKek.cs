using System.Runtime.InteropServices;
using Platform.Crypto;

namespace Platform.RecordVault.Tests.Infrastructure;

/// <summary>
/// Wraps a real KEK and keeps what crossed it: copies of the clear data keys (to search for them in stored bytes) and
/// the very arrays the cipher handed in or got back (to prove the cipher zeroed them afterwards).
/// </summary>
public sealed class RecordingKek(IKeyEncryptionKey inner) : IKeyEncryptionKey
{
    private int _wrapCalls, _unwrapCalls;

    public string KeyName => inner.KeyName;

    public string CurrentVersion => inner.CurrentVersion;

    public List<byte[]> WrappedKeyCopies { get; } = [];

    public List<byte[]> WrapInputArrays { get; } = [];

    public List<byte[]> UnwrapOutputArrays { get; } = [];

    public int WrapCalls => Volatile.Read(ref _wrapCalls);

    public int UnwrapCalls => Volatile.Read(ref _unwrapCalls);

    public Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _wrapCalls);
        lock (WrappedKeyCopies)
        {
            WrappedKeyCopies.Add(dataKey.ToArray());
            if (MemoryMarshal.TryGetArray(dataKey, out var segment) && segment.Array is { } array)
            {
                WrapInputArrays.Add(array);
            }
        }
        return inner.WrapAsync(dataKey, cancellationToken);
    }

    public async Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _unwrapCalls);
        var key = await inner.UnwrapAsync(wrapped, cancellationToken);
        lock (WrappedKeyCopies)
        {
            UnwrapOutputArrays.Add(key);
        }
        return key;
    }
}
