namespace Platform.Identity.Logout;

/// <summary>One logout token on its way to one client; <see cref="FirstAttempt"/> completes when the first POST has ended either way.</summary>
public sealed record LogoutDelivery(string ClientId, Uri LogoutUri, string LogoutToken)
{
    public TaskCompletionSource FirstAttempt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
