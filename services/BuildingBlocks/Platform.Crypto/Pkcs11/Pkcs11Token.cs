using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// The logged-in token. PKCS#11 sessions are not thread-safe, so every operation gets its own short session
/// (<see cref="Run{T}"/>); one long-lived "anchor" session keeps the application logged in, because the login
/// state of a token ends when its last session closes.
/// </summary>
internal sealed partial class Pkcs11Token(Pkcs11KeyProviderOptions options, ILogger logger) : IDisposable
{
    private readonly Lock _gate = new();
    private Pkcs11Native.LibraryLease? _lease;
    private ISlot? _slot;
    private ISession? _anchor;
    private KeyProviderException? _loginRejected;
    private bool _disposed;
    private int _connection;

    /// <summary>
    /// Counts connections (library loaded, logged in, anchor session open): object handles found under one stay valid
    /// while its anchor session is open (PKCS#11: a handle stays usable until its object is destroyed or the sessions
    /// that can use it close), and are worthless after a reconnect. Read it inside an operation: the operation's session
    /// was opened under this connection or, after a concurrent reconnect, under none that is still valid.
    /// </summary>
    public int Connection => Volatile.Read(ref _connection);

    /// <summary>How many fresh sessions <see cref="RunWithRetries{T}"/> gives an operation.</summary>
    public const int Attempts = 3;

    public string TokenLabel => options.TokenLabel;

    /// <summary>Test seam: wraps the session each operation gets, so a test can make the module fail on cue.</summary>
    internal Func<ISession, ISession>? InterceptSession { get; set; }

    /// <summary>
    /// Runs <paramref name="operation"/> (as <see cref="Run{T}"/>) up to <see cref="Attempts"/> times, each in a fresh
    /// session, while it fails with a token error (<see cref="Pkcs11Errors.IsTokenError"/>). A module may fail a valid
    /// call once, with the same codes it uses for bad input (SoftHSM answers CKR_GENERAL_ERROR to both), so one failure
    /// proves nothing; the caller classifies the failure that is left after the last attempt (docs/keys.md). No pause
    /// between attempts: such failures are races, not overload.
    /// </summary>
    public T RunWithRetries<T>(Func<ISession, T> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Run(operation);
            }
            catch (Exception ex) when (attempt < Attempts && Pkcs11Errors.IsTokenError(ex))
            {
                LogRetrying(logger, options.TokenLabel, attempt, Pkcs11Errors.Describe(ex));
            }
        }
    }

    /// <summary>Runs <paramref name="operation"/> in a fresh read-write session; reconnects once if the login was lost.</summary>
    public T Run<T>(Func<ISession, T> operation)
    {
        for (var attempt = 1; ; attempt++)
        {
            var slot = Connect();
            try
            {
                using var session = slot.OpenSession(SessionType.ReadWrite);
                return operation(InterceptSession is { } intercept ? intercept(session) : session);
            }
            catch (Pkcs11Exception ex) when (attempt == 1 && IsConnectionLost(ex.RV))
            {
                LogReconnecting(logger, options.TokenLabel, ex.RV.ToString());
                Disconnect();
            }
        }
    }

    /// <summary>Codes that mean the HSM or our login went away, not that the request was bad.</summary>
    public static bool IsConnectionLost(CKR rv) => rv is CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_SESSION_HANDLE_INVALID
        or CKR.CKR_SESSION_CLOSED or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_TOKEN_NOT_RECOGNIZED
        or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_DEVICE_ERROR or CKR.CKR_CRYPTOKI_NOT_INITIALIZED;

    private ISlot Connect()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_slot is not null)
            {
                return _slot;
            }
            // A rejected PIN is not retried: HSMs lock the user after a few failures, and a health check polling
            // with a wrong PIN would do exactly that. Fix the configuration and restart.
            if (_loginRejected is not null)
            {
                throw _loginRejected;
            }
            options.Validate();
            var lease = Pkcs11Native.Acquire(options.LibraryPath);
            ISession? anchor = null;
            try
            {
                var slot = FindSlot(lease.Library);
                anchor = slot.OpenSession(SessionType.ReadWrite);
                Login(anchor);
                var info = slot.GetTokenInfo();
                LogConnected(logger, options.TokenLabel, slot.SlotId, info.ManufacturerId.Trim(), info.Model.Trim());
                (_lease, _slot, _anchor) = (lease, slot, anchor);
                Interlocked.Increment(ref _connection);
                return slot;
            }
            catch (Exception ex)
            {
                anchor?.Dispose();
                lease.Dispose();
                if (ex is Pkcs11Exception p11)
                {
                    throw new KeyProviderException($"Opening PKCS#11 token '{options.TokenLabel}' failed ({p11.RV}).", ex);
                }
                throw;
            }
        }
    }

    private ISlot FindSlot(IPkcs11Library library)
    {
        var labels = new List<string>();
        foreach (var slot in library.GetSlotList(SlotsType.WithTokenPresent))
        {
            var label = slot.GetTokenInfo().Label.TrimEnd(' ', '\0');
            if (string.Equals(label, options.TokenLabel, StringComparison.Ordinal))
            {
                return slot;
            }
            labels.Add(label);
        }
        var present = labels.Count == 0 ? "none" : "'" + string.Join("', '", labels) + "'";
        throw new KeyProviderException(
            $"No PKCS#11 token labelled '{options.TokenLabel}' in library '{options.LibraryPath}' (tokens present: {present}).");
    }

    private void Login(ISession session)
    {
        try
        {
            session.Login(CKU.CKU_USER, options.UserPin);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login is per application and token: another provider instance in this process already logged in.
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE
                                             or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED or CKR.CKR_USER_PIN_NOT_INITIALIZED)
        {
            _loginRejected = new KeyProviderException(
                $"Login to PKCS#11 token '{options.TokenLabel}' was rejected ({ex.RV}): check Pkcs11:UserPin. "
                + "Not retried, to avoid locking the token; restart after fixing the configuration.", ex);
            throw _loginRejected;
        }
    }

    private void Disconnect()
    {
        lock (_gate)
        {
            try
            {
                _anchor?.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // The session is already gone with the device; nothing left to close.
            }
            _lease?.Dispose();
            (_lease, _slot, _anchor) = (null, null, null);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            Disconnect();
            _disposed = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to PKCS#11 token {TokenLabel} in slot {SlotId} ({Manufacturer} {Model})")]
    private static partial void LogConnected(ILogger logger, string tokenLabel, ulong slotId, string manufacturer, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PKCS#11 token {TokenLabel}: attempt {Attempt} failed ({Failure}); retrying in a fresh session")]
    private static partial void LogRetrying(ILogger logger, string tokenLabel, int attempt, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PKCS#11 token {TokenLabel} connection lost ({ReturnValue}); reconnecting")]
    private static partial void LogReconnecting(ILogger logger, string tokenLabel, string returnValue);
}
