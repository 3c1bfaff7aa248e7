// Nothing to run: this project exists for `dotnet ef` (see tests/tools/add-migration.sh).
Console.Error.WriteLine("Platform.MigrationsDesign is the dotnet-ef startup project; run tests/tools/add-migration.sh NAME.");
return 2;
