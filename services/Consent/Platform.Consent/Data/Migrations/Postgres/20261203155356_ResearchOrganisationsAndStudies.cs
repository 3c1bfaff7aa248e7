using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResearchOrganisationsAndStudies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResearchOrganisations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LegalName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RegistrationNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    RegisteredAddress = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Representative = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    RegisteredAtMs = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReviewedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    ReviewedAtMs = table.Column<long>(type: "bigint", nullable: true),
                    RejectionReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchOrganisations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "VerifiedPeople",
                columns: table => new
                {
                    Subject = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    AssuranceLevel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    SinceMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VerifiedPeople", x => x.Subject);
                });

            migrationBuilder.CreateTable(
                name: "ResearchStudies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProtocolSummary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    EthicsApprovalReference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Categories = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    DeidentificationLevel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    CompensationBasis = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CompensationAmountMinor = table.Column<long>(type: "bigint", nullable: true),
                    CompensationCurrency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    DeclaredBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    DeclaredAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResearchStudies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResearchStudies_ResearchOrganisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "ResearchOrganisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResearchOrganisations_Representative",
                table: "ResearchOrganisations",
                column: "Representative");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchOrganisations_Status",
                table: "ResearchOrganisations",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchStudies_EndsOn",
                table: "ResearchStudies",
                column: "EndsOn");

            migrationBuilder.CreateIndex(
                name: "IX_ResearchStudies_OrganisationId",
                table: "ResearchStudies",
                column: "OrganisationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResearchStudies");

            migrationBuilder.DropTable(
                name: "VerifiedPeople");

            migrationBuilder.DropTable(
                name: "ResearchOrganisations");
        }
    }
}
