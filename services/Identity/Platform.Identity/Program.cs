using Platform.Identity;

await IdentityService.Build(args).RunAsync();
