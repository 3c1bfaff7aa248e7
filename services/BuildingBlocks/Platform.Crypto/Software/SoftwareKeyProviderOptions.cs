namespace Platform.Crypto.Software;

/// <summary>Configuration section <c>Software</c> of the key provider section. Development only.</summary>
public sealed class SoftwareKeyProviderOptions
{
    /// <summary>Folder that holds the key files; created when missing. Keep it out of source control and backups you share.</summary>
    public string KeyDirectory { get; set; } = "";
}
