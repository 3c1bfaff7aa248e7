using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.RecordVault.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessLogNetworkAddress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClientId",
                table: "AccessLog",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NetworkAddress",
                table: "AccessLog",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClientId",
                table: "AccessLog");

            migrationBuilder.DropColumn(
                name: "NetworkAddress",
                table: "AccessLog");
        }
    }
}
