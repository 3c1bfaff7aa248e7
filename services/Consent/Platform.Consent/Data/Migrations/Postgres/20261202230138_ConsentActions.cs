using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConsentActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Actions",
                table: "Consents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "access");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Actions",
                table: "Consents");
        }
    }
}
