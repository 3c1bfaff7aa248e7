namespace Platform.Identity.Kyc;

/// <summary>The sex field of an MRZ. <c>X</c> and the filler <c>&lt;</c> both mean unspecified.</summary>
public enum MrzSex
{
    Female = 1,
    Male = 2,
    Unspecified = 3,
}
