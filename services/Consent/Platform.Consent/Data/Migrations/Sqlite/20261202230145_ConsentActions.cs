using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Consent.Data.Migrations.Sqlite
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
                type: "TEXT",
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
