using System.Reflection;
using System.Runtime.ExceptionServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>
/// An <see cref="ISession"/> that forwards every call to a real session unless its handler decides otherwise, so a
/// test can make the module fail on cue (a refused unwrap, a key not found, an unreadable value, a wrong result).
/// </summary>
public class SessionInterceptor : DispatchProxy
{
    private ISession _target = null!;
    private Func<string, Func<object?>, object?> _handler = null!;

    /// <param name="target">The real session.</param>
    /// <param name="handler">Gets the method name and a function that makes the call on the real session.</param>
    public static ISession Wrap(ISession target, Func<string, Func<object?>, object?> handler)
    {
        var proxy = Create<ISession, SessionInterceptor>();
        var interceptor = (SessionInterceptor)(object)proxy;
        interceptor._target = target;
        interceptor._handler = handler;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return _handler(targetMethod.Name, () =>
        {
            try
            {
                return targetMethod.Invoke(_target, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        });
    }
}

/// <summary>Makes the first <paramref name="times"/> calls of <paramref name="method"/> fail as <paramref name="fail"/> says; counts every call of it.</summary>
public sealed class SessionFault(string method, int times, Func<Func<object?>, object?> fail)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ISession Intercept(ISession session) => SessionInterceptor.Wrap(session, Handle);

    private object? Handle(string name, Func<object?> proceed) =>
        name == method && Interlocked.Increment(ref _calls) <= times ? fail(proceed) : proceed();
}
