namespace Platform.Identity.Oidc;

/// <summary>The outcome of a rotation: the new (or already staged) generation, when it signs, and whether it waits until then.</summary>
public sealed record SigningKeyRotation(int Generation, DateTimeOffset ActivatesAt, bool Staged)
{
    public string KeyName => SigningKeyGeneration.KeyNameFor(Generation);
}
