namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// One problem found in an import: the sheet (or file), the row number as Excel shows it, the column header,
/// and what is wrong in Chinese followed by a short English phrase. Row and column are null for file-level problems.
/// </summary>
public sealed record ImportError(string Sheet, int? Row, string? Column, string Message);

/// <summary>
/// Collects every problem of an import. A broken file can produce a problem per row; the report keeps the
/// first <see cref="Cap"/> and counts the rest, so a 200,000-row mistake does not become a 50 MB response.
/// </summary>
public sealed class ErrorLog
{
    public const int Cap = 1000;
    private readonly List<ImportError> _shown = [];

    public int Total { get; private set; }
    public bool Any => Total > 0;
    public IReadOnlyList<ImportError> Shown => _shown;

    public void Add(string sheet, int? row, string? column, string message)
    {
        Total++;
        if (_shown.Count < Cap) _shown.Add(new ImportError(sheet, row, column, message));
    }
}

/// <summary>What an import does (or would do) to one sheet's records, with a few rows to show.</summary>
public sealed record SheetSummary(string Sheet, int Rows, int Create, int Update, int Unchanged,
    IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Sample);

/// <summary>A stored upload: the name it came with, its size and SHA-256 (hex), as kept for the audit summary (decision 004).</summary>
public sealed record ImportFileInfo(string Name, long Size, string? Sha256);

/// <summary>Counts per sheet while a run goes; sample rows are kept for the preview with personal data masked (SEC-4).</summary>
internal sealed class SheetTally(SheetSpec spec)
{
    public const int SampleSize = 5;
    public SheetSpec Spec { get; } = spec;
    public bool Present { get; set; }
    public int Rows { get; set; }
    public int Create { get; set; }
    public int Update { get; set; }
    public int Unchanged { get; set; }
    public List<IReadOnlyList<string>> Sample { get; } = [];

    public SheetSummary ToSummary() =>
        new(Spec.Zh, Rows, Create, Update, Unchanged, Spec.Columns.Select(c => c.Zh).ToList(), Sample);
}
