using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace Platform.Identity.Accounts;

/// <summary>Sends the e-mail confirmation link and checks it when it comes back.</summary>
public sealed class AccountEmails(UserManager<PlatformUser> users, IAccountMessageSender sender)
{
    public async Task SendConfirmationAsync(PlatformUser user, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var link = $"{request.Scheme}://{request.Host}{request.PathBase}/account/confirm-email?userId={user.Id}&code={code}";
        await sender.SendAsync(new AccountMessage(user.Email!, "Confirm your e-mail address",
            $"Open this link to confirm your e-mail address for your account:\r\n\r\n{link}\r\n\r\nIf you did not register, ignore this message."),
            cancellationToken);
    }

    /// <summary>
    /// Tells the owner of an address that someone tried to register it again: the registration page answers a taken
    /// address like a new one, so this message is where the truth goes, to the one person entitled to it.
    /// </summary>
    public async Task SendRegistrationAttemptAsync(PlatformUser owner, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(request);
        var signIn = $"{request.Scheme}://{request.Host}{request.PathBase}/account/login";
        await sender.SendAsync(new AccountMessage(owner.Email!, "Someone tried to register your e-mail address",
            $"Someone tried to create an account with this e-mail address, which already has one.\r\n\r\nIf it was you, sign in at {signIn}. "
            + "If it was not, you need do nothing: no second account was created."), cancellationToken);
    }

    /// <summary>True when the code confirms the user's address.</summary>
    public async Task<bool> ConfirmAsync(string userId, string code)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return false;
        }
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return false;
        }
        return (await users.ConfirmEmailAsync(user, token)).Succeeded;
    }
}
