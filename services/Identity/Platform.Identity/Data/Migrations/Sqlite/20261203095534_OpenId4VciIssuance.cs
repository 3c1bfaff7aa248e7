using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Identity.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OpenId4VciIssuance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "NotificationId",
                table: "CredentialStatuses",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WalletEvent",
                table: "CredentialStatuses",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CredentialNonces",
                columns: table => new
                {
                    NonceHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialNonces", x => x.NonceHash);
                });

            migrationBuilder.CreateTable(
                name: "CredentialOffers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProtectedCode = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TxCodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    FailedTxCodeAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    RedeemedAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    Invalidated = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialOffers", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CredentialStatuses_NotificationId",
                table: "CredentialStatuses",
                column: "NotificationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CredentialNonces_ExpiresAtMs",
                table: "CredentialNonces",
                column: "ExpiresAtMs");

            migrationBuilder.CreateIndex(
                name: "IX_CredentialOffers_CodeHash",
                table: "CredentialOffers",
                column: "CodeHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CredentialOffers_ExpiresAtMs",
                table: "CredentialOffers",
                column: "ExpiresAtMs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CredentialNonces");

            migrationBuilder.DropTable(
                name: "CredentialOffers");

            migrationBuilder.DropIndex(
                name: "IX_CredentialStatuses_NotificationId",
                table: "CredentialStatuses");

            migrationBuilder.DropColumn(
                name: "NotificationId",
                table: "CredentialStatuses");

            migrationBuilder.DropColumn(
                name: "WalletEvent",
                table: "CredentialStatuses");
        }
    }
}
