using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Platform.Identity.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SignInSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignInSessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndReason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    EndedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInSessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignInSessions_ExpiresAt",
                table: "SignInSessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_SignInSessions_UserId",
                table: "SignInSessions",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignInSessions");
        }
    }
}
