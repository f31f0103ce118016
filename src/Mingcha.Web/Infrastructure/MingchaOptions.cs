namespace Mingcha.Web.Infrastructure;

/// <summary>Settings of the "Mingcha" section (appsettings.json or environment variables such as Mingcha__DatabaseProvider).</summary>
public sealed class MingchaOptions
{
    public const string Section = "Mingcha";

    /// <summary>Folder for the SQLite file, evidence and imports; created if missing. Relative paths are relative to the working directory.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>"Sqlite" (default, embedded) or "Postgres".</summary>
    public string DatabaseProvider { get; set; } = "Sqlite";

    /// <summary>Connection string; for SQLite defaults to a file in <see cref="DataFolder"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Load the fictional demo organisation into an empty database at start-up.</summary>
    public bool LoadDemoData { get; set; } = true;

    /// <summary>
    /// With the demo city in the database and jobs running: its halls' windows finish cases and are rated, the last days
    /// filled at start and a rating every few seconds while the halls are open (<c>Features/Ratings/DemoRatings</c>), and its
    /// complaints desk's six complaints, once (<c>Features/Complaints/DemoComplaints</c>), and the year's evaluation campaign
    /// with its monthly forms, once (<c>Features/Scoring/DemoCampaign</c>), one open-inspection visit carried out to a
    /// confirmed finding, once (<c>Features/Inspections/DemoOpenVisit</c>), and the rectification desk's two problems and
    /// their notice to the bureau, once (<c>Features/Rectification/DemoRectification</c>; the notice when Chromium is there).
    /// </summary>
    public bool DemoActivity { get; set; } = true;

    /// <summary>The office's time zone: local dates of events and deadlines (CAL-2) are taken in it.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The efficiency office's full name, used in page headers and official documents.</summary>
    public string OfficeName { get; set; } = "示范市机关效能建设领导小组办公室";

    /// <summary>Run background jobs in this instance (several instances may; each occurrence runs once).</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>
    /// A query that limits its rows (Take, Skip, a page) without an order fails instead of being logged as EF's warning:
    /// which rows it returns, and in what order, would depend on the plan of the day. The tests turn it on.
    /// </summary>
    public bool StrictQueries { get; set; }

    /// <summary>
    /// The PKCS#12 certificate that encrypts the data-protection key ring kept in the database (decision 016); created
    /// at the first start when missing. Every instance needs the same file. Default: keys/key-ring.pfx in the data folder.
    /// </summary>
    public string? KeyCertificate { get; set; }

    /// <summary>The password of <see cref="KeyCertificate"/>, if it has one.</summary>
    public string? KeyCertificatePassword { get; set; }

    /// <summary>
    /// Certificates that wrapped the key ring before <see cref="KeyCertificate"/> replaced them (decision 016): the keys
    /// they wrapped are still read with them; new keys are wrapped with the current one only. Each must exist.
    /// </summary>
    public List<PreviousKeyCertificate> PreviousKeyCertificates { get; set; } = [];

    public string ResolvedKeyCertificate => KeyCertificate is { Length: > 0 } path
        ? Path.GetFullPath(path)
        : Path.Combine(ResolvedDataFolder, "keys", "key-ring.pfx");

    /// <summary>How often an instance looks for due jobs.</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsPostgres => string.Equals(DatabaseProvider, "Postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(DatabaseProvider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);

    public string ResolvedDataFolder => Path.GetFullPath(DataFolder);

    public string ResolvedConnectionString => ConnectionString is { Length: > 0 } cs
        ? cs
        : IsPostgres
            ? throw new InvalidOperationException("Mingcha:ConnectionString is required for PostgreSQL.")
            : $"Data Source={Path.Combine(ResolvedDataFolder, "mingcha.db")}";

    public TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>A key-ring certificate that was replaced: its file and password.</summary>
public sealed class PreviousKeyCertificate
{
    public string Path { get; set; } = "";
    public string? Password { get; set; }
}
