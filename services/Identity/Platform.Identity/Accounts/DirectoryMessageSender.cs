using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Identity.Accounts;

/// <summary>
/// Development sender: writes each message as an <c>.eml</c> file into a folder (the dev host uses
/// <c>data/outbox/identity</c>) so a developer can open the confirmation link. Logs only the file name.
/// </summary>
public sealed partial class DirectoryMessageSender(string directory, TimeProvider time, ILogger<DirectoryMessageSender> logger) : IAccountMessageSender
{
    public async Task SendAsync(AccountMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(directory);
        var now = time.GetUtcNow();
        var name = $"{now:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml";
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Date: {now:R}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {message.To}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Subject: {message.Subject}\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
            .Append(message.Body)
            .ToString();
        await File.WriteAllTextAsync(Path.Combine(directory, name), text, cancellationToken).ConfigureAwait(false);
        LogWritten(logger, name);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account message written to the local outbox as {FileName}")]
    private static partial void LogWritten(ILogger logger, string fileName);
}
