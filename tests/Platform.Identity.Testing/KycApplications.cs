using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity.Kyc;
using Platform.Identity.Verification;

namespace Platform.Identity.Testing;

/// <summary>KYC applications for tests: a consistent German TD3 passport with correct check digits, and a run to approval.</summary>
public static class KycApplications
{
    /// <summary>Runs a clean application (with a document image) to automatic approval for the token's account.</summary>
    public static async Task ApproveAsync(IdentityServer server, string token, string given, string family)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var started = await client.PostAsync("/kyc/cases", null);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var application = JsonSerializer.SerializeToNode(Application(given, family, "G" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1988, 6, 6)))!.AsObject();
        application["documentImage"] = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0]);
        application["documentImageType"] = "image/jpeg";
        using var submitted = await client.PostAsJsonAsync($"/kyc/cases/{id}/evidence", application);
        var kycCase = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(kycCase.GetProperty("state").GetString() == "Approved", kycCase.ToString());
    }

    /// <summary>A German passport (TD3) for the person, valid for five more years, with correct check digits.</summary>
    public static object Application(string given, string family, string documentNumber, DateOnly birth, string? formBirthDate = null)
    {
        var expiry = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(5);
        var line1 = $"P<D<<{family}<<{given}".PadRight(44, '<');
        var number = documentNumber.PadRight(9, '<')[..9];
        string Digit(string field) => MrzCheckDigit.Compute(field).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var birthText = birth.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var expiryText = expiry.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var optional = new string('<', 14);
        var upper = number + Digit(number) + "D<<" + birthText + Digit(birthText) + "F" + expiryText + Digit(expiryText) + optional + Digit(optional);
        var composite = Digit(upper[..10] + upper[13..20] + upper[21..43]);
        return new
        {
            givenNames = given,
            familyName = family,
            birthDate = formBirthDate ?? birth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            nationality = "DEU",
            documentNumber,
            issuingCountry = "DEU",
            mrz = line1 + "\n" + upper + composite,
        };
    }
}
