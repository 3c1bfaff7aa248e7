using Platform.Identity;

return await IdentityService.RunAsync(args);
