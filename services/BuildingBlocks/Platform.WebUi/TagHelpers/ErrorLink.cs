namespace Platform.WebUi.TagHelpers;

/// <summary>One line of an error summary: the message, linking to the field it is about.</summary>
public sealed record ErrorLink(string FieldId, string Message);
