using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Data;
using Platform.RecordVault.Pages.Portal;

namespace Platform.RecordVault.Pages.My;

/// <summary>The portal's front page: what there is, what happened lately, and where everything is (across services).</summary>
public sealed class IndexModel(RecordVaultDbContext db, PatientNotifications notifications, IOptions<PortalOptions> portal) : PortalPageModel
{
    public int Records { get; private set; }

    public int Documents { get; private set; }

    /// <summary>Accesses by anyone but the patient.</summary>
    public int OthersAccesses { get; private set; }

    public int Notifications { get; private set; }

    public string ConsentsLink => portal.Value.ConsentsLink;

    /// <summary>The patient's pseudonymous id: what a clinician types to ask for access, and what consents name.</summary>
    public string PatientId => Patient;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // Metadata only: the front page reads no record content, so opening it adds nothing to the access log.
        var live = db.Records.AsNoTracking().Where(r => r.Patient == Patient && r.ErasedAtMs == null);
        Records = await live.CountAsync(cancellationToken);
        Documents = await live.CountAsync(r => r.Kind == Platform.RecordVault.Records.RecordPayload.Binary, cancellationToken);
        OthersAccesses = await db.AccessLog.AsNoTracking().CountAsync(a => a.Patient == Patient && a.Actor != Patient, cancellationToken);
        Notifications = (await notifications.ForAsync(Patient, cancellationToken)).Count;
    }
}
