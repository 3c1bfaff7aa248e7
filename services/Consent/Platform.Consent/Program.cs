using Platform.Consent;

await ConsentService.Build(args).RunAsync();
