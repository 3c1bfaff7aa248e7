using System.Buffers;

namespace Platform.Crypto;

/// <summary>
/// Key names accepted by every provider: 1-127 ASCII letters, digits and hyphens. This is Key Vault's rule, and it
/// also keeps names safe as file names (software provider) and PKCS#11 labels.
/// </summary>
public static class KeyNames
{
    public const int MaxLength = 127;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && !name.AsSpan().ContainsAnyExcept(Allowed);

    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public static void Validate(string? name, string paramName = "name")
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"Key name '{name}' is invalid: use 1-{MaxLength} ASCII letters, digits or hyphens.", paramName);
        }
    }
}
