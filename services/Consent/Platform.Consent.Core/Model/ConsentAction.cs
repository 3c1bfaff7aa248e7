namespace Platform.Consent.Core;

/// <summary>What a change did to a consent.</summary>
public enum ConsentAction
{
    Grant = 1,
    Narrow = 2,
    Revoke = 3,
    Expire = 4,
    Suspend = 5,
}
