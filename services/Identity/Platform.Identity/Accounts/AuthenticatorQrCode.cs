using QRCoder;

namespace Platform.Identity.Accounts;

/// <summary>The <c>otpauth://</c> URI authenticator apps scan, and its QR code as inline SVG (no JavaScript, no images to fetch).</summary>
public static class AuthenticatorQrCode
{
    public static string Uri(string issuer, string accountName, string base32Secret) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(accountName)}" +
        $"?secret={base32Secret}&issuer={System.Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Totp.Digits}&period={Totp.StepSeconds}";

    public static string Svg(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
