namespace Mingcha.Web.Features.Organisation.Import;

// Temporary shape; the import feature replaces this file.
public sealed record ImportReport(bool Ok, string Summary, IReadOnlyList<string> Errors);

public sealed class OrganisationImporter
{
    public Task<ImportReport> ImportFilesAsync(IReadOnlyList<string> paths, CancellationToken ct) =>
        throw new NotSupportedException("import not built yet");
}
