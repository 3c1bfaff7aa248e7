using Platform.Consent;

return await ConsentService.RunAsync(args);
