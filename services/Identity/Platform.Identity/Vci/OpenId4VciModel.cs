using Microsoft.EntityFrameworkCore;
using Platform.Identity.Kyc;
using Platform.Identity.Verification;

namespace Platform.Identity.Vci;

/// <summary>The identity database's OpenID4VCI tables: credential offers and unused c_nonces.</summary>
public static class OpenId4VciModel
{
    public static void Configure(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Entity<CredentialOfferRow>(offer =>
        {
            offer.ToTable("CredentialOffers");
            offer.HasKey(o => o.Id);
            offer.Property(o => o.Id).HasMaxLength(64);
            offer.Property(o => o.CodeHash).HasMaxLength(64);
            offer.Property(o => o.TxCodeHash).HasMaxLength(64);
            offer.Property(o => o.ProtectedCode).HasMaxLength(1024);
            offer.Property(o => o.OwnerId).HasMaxLength(64);
            offer.HasIndex(o => o.CodeHash).IsUnique();
            offer.HasIndex(o => o.ExpiresAtMs);
        });
        builder.Entity<CredentialNonceRow>(nonce =>
        {
            nonce.ToTable("CredentialNonces");
            nonce.HasKey(n => n.NonceHash);
            nonce.Property(n => n.NonceHash).HasMaxLength(64);
            nonce.HasIndex(n => n.ExpiresAtMs);
        });
        builder.Entity<CredentialStatusRow>(status =>
        {
            status.Property(c => c.NotificationId).HasMaxLength(64);
            status.Property(c => c.WalletEvent).HasMaxLength(32);
            status.HasIndex(c => c.NotificationId).IsUnique();
        });
    }
}
