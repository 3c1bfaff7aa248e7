using Platform.RecordVault;

await RecordVaultService.Build(args).RunAsync();
