using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Access;
using Platform.RecordVault.Api;
using Platform.RecordVault.Data;
using Platform.RecordVault.Pages.Portal;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Pages.My;

/// <summary>
/// Who looked at the patient's records: the access log the API serves (<c>GET /patients/{patient}/access-log</c>),
/// each entry with its receipt checked here (<see cref="AccessReceiptCheck"/>), break-glass reads set apart, and the
/// receipt and its opening downloadable for <c>ledger verify</c>. The patient's own views are left out unless asked
/// for: opening the records page reads every record, and those reads would bury everyone else's.
/// </summary>
public sealed class AccessLogModel(RecordVaultDbContext db, AccessReceiptCheck receipts, BreakGlassReasonProtector reasons) : PortalPageModel
{
    public IReadOnlyList<AccessLogEntry> Entries { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    /// <summary>The patient's own accesses left out of the list.</summary>
    public int OwnHidden { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var rows = await db.AccessLog.AsNoTracking().Where(a => a.Patient == Patient).OrderByDescending(a => a.AtMs).ToListAsync(cancellationToken);
        var entries = new List<AccessLogEntry>(rows.Count);
        foreach (var row in rows)
        {
            var own = row.Actor == Patient;
            if (own && !Mine)
            {
                OwnHidden++;
                continue;
            }
            entries.Add(new AccessLogEntry(row, await receipts.CheckAsync(row, cancellationToken), own, reasons.Unprotect(row.ProtectedBreakGlassReason)));
        }
        Entries = entries;
    }

    /// <summary>The entry's ledger receipt as the ledger issued it: <c>ledger verify receipt.json --keys keys.json</c>.</summary>
    public async Task<IActionResult> OnGetReceiptAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await EntryAsync(id, cancellationToken);
        return row.Receipt is null
            ? throw ProblemException.NotFound("The ledger has not committed this entry yet; its receipt comes once it has.")
            : Download(row.Receipt, $"receipt-{id:N}.json");
    }

    /// <summary>The entry's opening: <c>ledger verify receipt.json --opening opening.json</c> proves the blinded entry is this access.</summary>
    public async Task<IActionResult> OnGetOpeningAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await EntryAsync(id, cancellationToken);
        return AccessOpening.From(row) is { } opening
            ? Download(JsonSerializer.Serialize(opening, JsonSerializerOptions.Web), $"opening-{id:N}.json")
            : throw ProblemException.NotFound("This entry was recorded before openings existed (a v1 entry, its values are in clear on the ledger).");
    }

    private async Task<AccessLogRow> EntryAsync(Guid id, CancellationToken cancellationToken) =>
        await db.AccessLog.AsNoTracking().FirstOrDefaultAsync(a => a.EventId == id && a.Patient == Patient, cancellationToken)
        ?? throw ProblemException.NotFound($"No entry {id} in your access log.");

    private FileContentResult Download(string json, string name)
    {
        Response.Headers.CacheControl = "no-store";
        return File(Encoding.UTF8.GetBytes(json), "application/json", name);
    }
}
