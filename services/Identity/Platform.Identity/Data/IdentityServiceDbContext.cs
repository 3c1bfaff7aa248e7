using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Platform.Hosting.Idempotency;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Oidc;
using Platform.Identity.Sessions;
using Platform.Identity.Verification;
using Platform.Messaging;

namespace Platform.Identity.Data;

/// <summary>
/// The identity service's own database: accounts (ASP.NET Core Identity), OpenIddict's applications,
/// authorizations, scopes and tokens, the sign-in sessions behind the identity cookie, the signing-key generations,
/// the outbox/inbox and the idempotency keys of the KYC API. No other service reads it.
/// Its schema comes from migrations, one set per provider (Data/Migrations; tests/tools/add-migration.sh).
/// </summary>
public class IdentityServiceDbContext(DbContextOptions options) : IdentityDbContext<PlatformUser>(options)
{
    public DbSet<SigningKeyGeneration> SigningKeyGenerations => Set<SigningKeyGeneration>();

    public DbSet<TokenEncryptionKey> TokenEncryptionKeys => Set<TokenEncryptionKey>();

    public DbSet<KycCaseRow> KycCases => Set<KycCaseRow>();

    public DbSet<KycEvidenceRow> KycEvidence => Set<KycEvidenceRow>();

    public DbSet<CredentialStatusRow> CredentialStatuses => Set<CredentialStatusRow>();

    public DbSet<SignInSession> SignInSessions => Set<SignInSession>();

    public DbSet<RevokedAccessTokenRow> RevokedAccessTokens => Set<RevokedAccessTokenRow>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.AddOutboxAndInbox().AddIdempotencyKeys();
        builder.Entity<PlatformUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(200);
            user.Property(u => u.LicenceNumber).HasMaxLength(64);
            user.Property(u => u.ClinicianActivatedBy).HasMaxLength(64);
            user.Property(u => u.ProtectedTotpSecret).HasMaxLength(1024);
        });
        builder.Entity<SigningKeyGeneration>(generation =>
        {
            generation.ToTable("SigningKeyGenerations");
            generation.HasKey(g => g.Number);
            generation.Property(g => g.Number).ValueGeneratedNever();
            generation.Ignore(g => g.KeyName);
        });
        builder.Entity<KycCaseRow>(kyc =>
        {
            kyc.ToTable("KycCases");
            kyc.HasKey(c => c.Id);
            kyc.Property(c => c.Version).IsConcurrencyToken();
            kyc.Property(c => c.OwnerId).HasMaxLength(64);
            kyc.Property(c => c.State).HasMaxLength(32);
            kyc.Property(c => c.Fingerprint).HasMaxLength(128);
            kyc.HasIndex(c => c.OwnerId);
            kyc.HasIndex(c => c.Fingerprint);
            kyc.HasIndex(c => c.State);
        });
        builder.Entity<KycEvidenceRow>(evidence =>
        {
            evidence.ToTable("KycEvidence");
            evidence.HasKey(e => e.Id);
            evidence.HasIndex(e => e.CaseId);
            evidence.Property(e => e.Kind).HasMaxLength(32);
            evidence.Property(e => e.ContentType).HasMaxLength(64);
        });
        builder.Entity<CredentialStatusRow>(status =>
        {
            status.ToTable("CredentialStatuses");
            status.HasKey(c => c.Index);
            status.Property(c => c.Index).ValueGeneratedOnAdd();
            status.Property(c => c.OwnerId).HasMaxLength(64);
            status.HasIndex(c => c.OwnerId);
        });
        builder.Entity<SignInSession>(session =>
        {
            session.ToTable("SignInSessions");
            session.HasKey(s => s.Id);
            session.Property(s => s.Id).HasMaxLength(32);
            session.Property(s => s.UserId).HasMaxLength(64);
            session.Property(s => s.EndReason).HasMaxLength(32);
            session.Property(s => s.EndedBy).HasMaxLength(64);
            session.HasIndex(s => s.UserId);
            session.HasIndex(s => s.ExpiresAt);
        });
        builder.Entity<RevokedAccessTokenRow>(revoked =>
        {
            revoked.ToTable("RevokedAccessTokens");
            revoked.HasKey(r => r.TokenId);
            revoked.Property(r => r.TokenId).HasMaxLength(64);
            revoked.HasIndex(r => r.ExpiresAtMs);
        });
        builder.Entity<TokenEncryptionKey>(key =>
        {
            key.ToTable("TokenEncryptionKeys");
            key.Property(k => k.Id).ValueGeneratedNever();
            key.Property(k => k.KekName).HasMaxLength(127);
            key.Property(k => k.KekVersion).HasMaxLength(256);
            key.Property(k => k.Algorithm).HasMaxLength(64);
        });
        Vci.OpenId4VciModel.Configure(builder);
    }
}
