using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BreakGlassReason : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedBreakGlassReason",
                table: "AccessLog",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProtectedBreakGlassReason",
                table: "AccessLog");
        }
    }
}
