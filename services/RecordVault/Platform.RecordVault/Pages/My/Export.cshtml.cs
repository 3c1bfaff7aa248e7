using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Fhir;
using Platform.RecordVault.Pages.Portal;

namespace Platform.RecordVault.Pages.My;

/// <summary>
/// All the patient's records as one FHIR Bundle (type collection) to download: FHIR records as the FHIR API serves
/// them, documents as Binary. Asking is a POST (with its antiforgery token): the export reads every record, each read
/// audited, and a link that any page could make a browser fetch must not do that.
/// </summary>
public sealed class ExportModel(RecordVaultDbContext db, PatientRecordReader reader) : PortalPageModel
{
    public int Records { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Records = await db.Records.AsNoTracking().CountAsync(r => r.Patient == Patient && r.ErasedAtMs == null, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var bundle = await reader.ExportAsync(Caller, FhirContent.BaseUrl(Request), cancellationToken);
        Response.Headers.CacheControl = "no-store";
        return File(Encoding.UTF8.GetBytes(FhirContent.Serialize(bundle)), FhirContent.MediaType, $"my-records-{DateTimeOffset.UtcNow:yyyyMMdd}.json");
    }
}
