using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LedgerPrivacy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "LedgerSalt",
                table: "ConsentVersions",
                type: "bytea",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "LedgerSalt",
                table: "Consents",
                type: "bytea",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LedgerSalt",
                table: "ConsentVersions");

            migrationBuilder.DropColumn(
                name: "LedgerSalt",
                table: "Consents");
        }
    }
}
