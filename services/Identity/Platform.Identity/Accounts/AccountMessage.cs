namespace Platform.Identity.Accounts;

/// <summary>A message to an account holder (e-mail confirmation, password reset). The body may carry a one-time link.</summary>
public sealed record AccountMessage(string To, string Subject, string Body);

/// <summary>Delivers account messages. Implementations never log the body: it holds one-time secrets.</summary>
public interface IAccountMessageSender
{
    Task SendAsync(AccountMessage message, CancellationToken cancellationToken);
}
