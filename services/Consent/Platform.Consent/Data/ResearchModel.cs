using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;

namespace Platform.Consent.Data;

/// <summary>The research tables of the consent database: organisations, their studies, the people whose identity KYC verified, which opt-ins each export included, and the participants' compensation credits.</summary>
internal static class ResearchModel
{
    public static ModelBuilder AddResearch(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ResearchOrganisationRow>(organisation =>
        {
            organisation.ToTable("ResearchOrganisations");
            organisation.HasKey(o => o.Id);
            organisation.Property(o => o.LegalName).HasMaxLength(ResearchOrganisation.MaxLegalNameLength);
            organisation.Property(o => o.RegistrationNumber).HasMaxLength(ResearchOrganisation.MaxRegistrationNumberLength);
            organisation.Property(o => o.Country).HasMaxLength(2);
            organisation.Property(o => o.RegisteredAddress).HasMaxLength(ResearchOrganisation.MaxAddressLength);
            organisation.Property(o => o.Representative).HasMaxLength(128);
            organisation.Property(o => o.Status).HasMaxLength(16).IsConcurrencyToken();
            organisation.Property(o => o.ReviewedBy).HasMaxLength(128);
            organisation.Property(o => o.RejectionReason).HasMaxLength(500);
            // Reviewers list the pending ones; a representative lists their own.
            organisation.HasIndex(o => o.Status);
            organisation.HasIndex(o => o.Representative);
        });
        modelBuilder.Entity<ResearchStudyRow>(study =>
        {
            study.ToTable("ResearchStudies");
            study.HasKey(s => s.Id);
            study.Property(s => s.Title).HasMaxLength(ResearchStudy.MaxTitleLength);
            study.Property(s => s.ProtocolSummary).HasMaxLength(ResearchStudy.MaxProtocolSummaryLength);
            study.Property(s => s.EthicsApprovalReference).HasMaxLength(ResearchStudy.MaxEthicsReferenceLength);
            study.Property(s => s.Categories).HasMaxLength(1024);
            study.Property(s => s.DeidentificationLevel).HasMaxLength(32);
            study.Property(s => s.CompensationBasis).HasMaxLength(32);
            study.Property(s => s.CompensationCurrency).HasMaxLength(3);
            study.Property(s => s.DeclaredBy).HasMaxLength(128);
            study.HasOne<ResearchOrganisationRow>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            // Patients list the studies running now.
            study.HasIndex(s => s.EndsOn);
        });
        modelBuilder.Entity<ResearchExportInclusionRow>(inclusion =>
        {
            inclusion.ToTable("ResearchExportInclusions");
            inclusion.HasKey(i => new { i.ExportId, i.ConsentId });
            inclusion.Property(i => i.ManifestHash).HasMaxLength(64);
            // A patient's page looks up the exports of their opt-ins.
            inclusion.HasIndex(i => i.ConsentId);
        });
        modelBuilder.Entity<ResearchCreditRow>(credit =>
        {
            credit.ToTable("ResearchCredits");
            credit.HasKey(c => c.Id);
            // Idempotent: one credit per opt-in per export (per export) or per study (per participant).
            credit.HasIndex(c => new { c.Occasion, c.ConsentId }).IsUnique();
            // A patient's page looks up the credits of their opt-ins; receipts arrive by event id.
            credit.HasIndex(c => c.ConsentId);
            credit.HasIndex(c => c.EventId).IsUnique();
            credit.HasIndex(c => c.StudyId);
            credit.Property(c => c.Basis).HasMaxLength(32);
            credit.Property(c => c.Currency).HasMaxLength(3);
            credit.Property(c => c.LedgerSalt).HasMaxLength(32);
            credit.Property(c => c.SignedEvent).HasMaxLength(8192);
        });
        modelBuilder.Entity<VerifiedPersonRow>(person =>
        {
            person.ToTable("VerifiedPeople");
            person.HasKey(p => p.Subject);
            person.Property(p => p.Subject).HasMaxLength(128);
            person.Property(p => p.AssuranceLevel).HasMaxLength(16);
        });
        return modelBuilder;
    }
}
