using Microsoft.Extensions.Options;
using Platform.RecordVault.Pages.Portal;

namespace Platform.RecordVault.Pages.My;

/// <summary>Break-glass reads and erasures by administrators, newest first; consents granted on the patient's behalf are on the consent pages.</summary>
public sealed class NotificationsModel(PatientNotifications notifications, IOptions<PortalOptions> portal) : PortalPageModel
{
    public IReadOnlyList<PatientNotification> Items { get; private set; } = [];

    public string ConsentsLink => portal.Value.ConsentsLink;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Items = await notifications.ForAsync(Patient, cancellationToken);
}
