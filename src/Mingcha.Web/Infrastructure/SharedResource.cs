namespace Mingcha.Web;

/// <summary>
/// Anchor of the shared UI strings. Keys are the zh-CN text itself (the default language), so a missing
/// translation shows Chinese; SharedResource.en.resx holds the English.
/// </summary>
public sealed class SharedResource;
