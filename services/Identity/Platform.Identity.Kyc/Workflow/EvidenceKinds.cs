namespace Platform.Identity.Kyc;

/// <summary>What an evidence submission contains besides the form and MRZ text; assurance levels depend on it.</summary>
[Flags]
public enum EvidenceKinds
{
    None = 0,

    /// <summary>An image of the identity document.</summary>
    DocumentImage = 1,

    /// <summary>A selfie for the reviewer to compare with the document photo.</summary>
    Selfie = 2,

    /// <summary>A liveness capture (video or active challenge) proving a live person took part.</summary>
    Liveness = 4,
}
