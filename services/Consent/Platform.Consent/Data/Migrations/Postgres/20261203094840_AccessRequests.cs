using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccessRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccessRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Patient = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Clinician = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Categories = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Purposes = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DurationMs = table.Column<long>(type: "bigint", nullable: false),
                    RequestedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DecidedAtMs = table.Column<long>(type: "bigint", nullable: true),
                    ConsentId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessRequests", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessRequests_Clinician_Status",
                table: "AccessRequests",
                columns: new[] { "Clinician", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessRequests_Patient_Status",
                table: "AccessRequests",
                columns: new[] { "Patient", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessRequests");
        }
    }
}
