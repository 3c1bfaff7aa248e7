namespace Platform.Identity.Kyc;

/// <summary>The ICAO 9303 machine-readable zone layouts this library reads.</summary>
public enum MrzFormat
{
    /// <summary>Identity cards (ID-1 size): three lines of 30 characters (Doc 9303 Part 5).</summary>
    Td1 = 1,

    /// <summary>Passports (ID-3 size): two lines of 44 characters (Doc 9303 Part 4).</summary>
    Td3 = 3,
}
