using Platform.ClinicianPortal;

var app = ClinicianPortalApp.Build(args);
await app.RunAsync();
