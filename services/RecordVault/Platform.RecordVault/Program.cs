using Platform.RecordVault;

return await RecordVaultService.RunAsync(args);
