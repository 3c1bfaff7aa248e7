namespace Platform.Messaging;

/// <summary>
/// Actions a handler wants run once its writes are durable: <see cref="EventDispatcher{TContext}"/> commits the
/// handler's writes together with its inbox entry after the handler returned, so a handler that wakes a background
/// worker for the rows it wrote must not wake it before that commit (the worker would not see them yet). Scoped: one
/// per delivery. Not run when the transaction rolls back.
/// </summary>
public sealed class AfterHandlerCommit
{
    private readonly List<Action> _actions = [];

    public void Add(Action action) => _actions.Add(action);

    internal void Run()
    {
        foreach (var action in _actions)
        {
            action();
        }
        _actions.Clear();
    }
}
