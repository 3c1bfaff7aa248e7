using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

/// <summary>Fixed instants and the ICAO 9303 specimen MRZs, exactly as Doc 9303 prints them.</summary>
internal static class Specimens
{
    /// <summary>"Today" for every test: the specimen documents (expiry 2012-04-15) are expired by then.</summary>
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 9, 30, 0, TimeSpan.Zero);

    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    public const string Td3Line1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    public const string Td3Line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    public const string Td3 = Td3Line1 + "\n" + Td3Line2;

    public const string Td1Line1 = "I<UTOD231458907<<<<<<<<<<<<<<<";
    public const string Td1Line2 = "7408122F1204159UTO<<<<<<<<<<<6";
    public const string Td1Line3 = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    public const string Td1 = Td1Line1 + "\n" + Td1Line2 + "\n" + Td1Line3;

    public static MrzParseResult Parse(string mrz) => MrzParser.Parse(mrz, Today);

    public static MrzDocument Document(string mrz)
    {
        var result = Parse(mrz);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        return result.Document;
    }

    /// <summary>Replaces one character (0-based line and position) of an MRZ given as lines.</summary>
    public static string Replace(string mrz, int line, int position, char with)
    {
        var lines = mrz.Split('\n');
        var chars = lines[line].ToCharArray();
        chars[position] = with;
        lines[line] = new string(chars);
        return string.Join('\n', lines);
    }

    /// <summary>The next digit after the one at (line, position), so a check digit is certainly wrong.</summary>
    public static string CorruptDigit(string mrz, int line, int position)
    {
        var current = mrz.Split('\n')[line][position];
        return Replace(mrz, line, position, (char)('0' + ((current - '0' + 1) % 10)));
    }
}
