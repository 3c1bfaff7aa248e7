using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Pages.Portal;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Pages.My;

/// <summary>
/// Erasing a record, confirmed first. The erasure is the store's (its own permission, <see cref="RecordOperation.Erase"/>:
/// only the patient, by crypto-shredding, audited like <c>DELETE /records/{id}</c>); the GET only asks.
/// </summary>
public sealed class EraseModel(RecordVaultDbContext db, RecordStore store) : PortalPageModel
{
    public RecordRow? Record { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        // Only the patient's own live record: anyone else's (or none) is not found, as the store would answer.
        Record = await db.Records.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.Patient == Patient && r.ErasedAtMs == null, cancellationToken)
            ?? throw ProblemException.NotFound($"No record {id}.");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        await store.EraseAsync(Caller, id, cancellationToken);
        return Redirect($"/my/records/{id}");
    }
}
