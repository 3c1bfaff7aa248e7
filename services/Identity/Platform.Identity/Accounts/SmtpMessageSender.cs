using System.Net;
using System.Net.Mail;

namespace Platform.Identity.Accounts;

/// <summary>Deployed sender: SMTP with STARTTLS (<c>Identity:Messages:Smtp:*</c>; the password comes from a Secret).</summary>
public sealed class SmtpMessageSender(SmtpMessageOptions options) : IAccountMessageSender
{
    public async Task SendAsync(AccountMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var client = new SmtpClient(options.Host, options.Port) { EnableSsl = options.UseTls };
        if (!string.IsNullOrEmpty(options.UserName))
        {
            client.Credentials = new NetworkCredential(options.UserName, options.Password);
        }
        using var mail = new MailMessage(options.From, message.To, message.Subject, message.Body);
        await client.SendMailAsync(mail, cancellationToken).ConfigureAwait(false);
    }
}

public sealed class SmtpMessageOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public bool UseTls { get; set; } = true;
    public string From { get; set; } = "";
    public string? UserName { get; set; }
    public string? Password { get; set; }
}
