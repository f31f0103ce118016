using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Organisation;
using Mingcha.Web.Data;
using static Mingcha.Web.Features.Organisation.Import.ImportFormat;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// One pass over an organisation import: reads every sheet in dependency order, checks every row against the
/// file and the database, and (when writing) stores the records in the caller's transaction.
/// <para>
/// Memory: categories, units, sections and service items (thousands to tens of thousands) are held while
/// their references are resolved; staff and section items (hundreds of thousands) stream: each row is
/// checked, then written in batches of <see cref="WriteBatch"/> while no error has been seen. Any error stops
/// the writing but not the checking, so the report lists every problem; the caller then rolls back.
/// </para>
/// <para>
/// Semantics (docs/import-format.md): codes match existing records, which are updated (renames and moves go
/// through the entities' methods, so history is kept, ORG-1); nothing is ever deleted. An optional column that
/// is absent leaves the stored value alone; present but empty clears it.
/// </para>
/// <para>
/// A section moved to another unit takes along the sections below it that the file does not place itself, and the
/// staff of all of them (decision 026). Those moves are written with the sections, before the staff sheet is read,
/// so staff rows name a moved person's new unit.
/// </para>
/// <para>
/// 状态 closes or reopens a unit or section and records a person's departure or return (decisions 044, 045). A closure
/// is checked once the whole file is read, against the registry as the file leaves it (<see cref="CheckStatesAsync"/>):
/// one file can close a unit with its hall and windows and record its people's departure.
/// </para>
/// </summary>
internal sealed class OrgImportRun
{
    private const int WriteBatch = 2_000;
    private const int UpdateChunk = 500;

    private readonly MingchaDb _db;
    private readonly DateTime _now;
    private readonly int _year;
    private readonly DateOnly _today;
    private readonly bool _write;
    private readonly BulkInserter _insert;
    private readonly Dictionary<SheetKind, SheetTally> _tallies = Sheets.ToDictionary(s => s.Kind, s => new SheetTally(s));
    private readonly HashSet<SheetKind> _broken = [];
    private bool _smallSheetsWritten;

    // The registry as it was when the run started.
    private Dictionary<string, DbCategory> _dbCategories = [];
    private Dictionary<string, DbUnit> _dbUnits = [];
    private Dictionary<Guid, string> _dbUnitCodes = [];
    private Dictionary<string, DbSection> _dbSections = [];
    // Decision 045: units and sections closed (撤销); nothing new goes into them (a file that lists them as they are passes).
    private HashSet<Guid> _closedUnits = [];
    private HashSet<Guid> _closedSections = [];
    private HashSet<Guid> _unitsWithCategory = [];
    // Closures and reopenings the file makes (状态), checked against the registry as the file leaves it (CheckStates), and
    // the people in post by unit and section: as stored before any write, plus the file's moves, departures and returns.
    private readonly List<(UnitRow Row, bool Open)> _unitStates = [];
    private readonly List<(SectionRow Row, bool Open)> _sectionStates = [];
    private SheetSource? _unitsSource, _sectionsSource;
    private Dictionary<Guid, int>? _inPostByUnit, _inPostBySection;
    private readonly Dictionary<Guid, int> _inPostShiftByUnit = [], _inPostShiftBySection = [];
    private Dictionary<Guid, string> _dbSectionCodes = [];
    private Dictionary<string, DbItem> _dbItems = [];
    private Dictionary<(Guid UnitId, string Code), DbStaff> _dbStaff = [];
    private Dictionary<(Guid SectionId, Guid ItemId), DbLink> _dbLinks = [];
    private Dictionary<(Guid UnitId, int Year), DbUnitCategory> _dbUnitCategories = [];

    // The file's rows by code (first occurrence).
    private readonly Dictionary<string, CategoryRow> _categories = [];
    private readonly Dictionary<string, UnitRow> _units = [];
    private readonly Dictionary<string, SectionRow> _sections = [];
    private readonly Dictionary<string, ItemRow> _items = [];

    // Writes of the small sheets, done together once they are all checked.
    private readonly List<(Guid Id, Action<Category> Apply)> _categoryChanges = [];
    private readonly List<(Guid Id, Action<Unit> Apply)> _unitChanges = [];
    private readonly List<UnitCategory> _newUnitCategories = [];
    private readonly List<(Guid Id, Action<UnitCategory> Apply)> _unitCategoryChanges = [];
    private readonly List<(Guid Id, Action<Section> Apply)> _sectionChanges = [];
    private readonly List<(Guid Id, Action<Staff> Apply)> _staffFollows = [];
    private readonly List<(Guid Id, Action<ServiceItem> Apply)> _itemChanges = [];

    // Decision 026: sections that go with a moved section of the file (id → new unit), and the staff moved with them,
    // by their unit and code before the import (→ the new unit's code and the section), to explain a staff row that
    // still names the old unit.
    private readonly Dictionary<Guid, Guid> _followers = [];
    private readonly Dictionary<(Guid UnitId, string Code), (string Unit, string Section)> _movedStaff = [];

    // Streamed writes.
    private readonly List<Staff> _newStaff = [];
    private readonly List<(Guid Id, Action<Staff> Apply)> _staffChanges = [];
    private readonly List<SectionServiceItem> _newLinks = [];
    private readonly List<(Guid Id, Action<SectionServiceItem> Apply)> _linkChanges = [];

    /// <param name="db">The context; when writing, a transaction must be open on it.</param>
    /// <param name="errors">Where problems go (file-level ones may already be there).</param>
    /// <param name="nowUtc">When: the time of new versions.</param>
    /// <param name="today">The office's local date: the default year and the limit for birth dates in ID numbers.</param>
    /// <param name="write">False for a preview.</param>
    public OrgImportRun(MingchaDb db, ErrorLog errors, DateTime nowUtc, DateOnly today, bool write)
    {
        _db = db;
        Errors = errors;
        _now = nowUtc;
        _year = today.Year;
        _today = today;
        _write = write;
        _insert = new BulkInserter(db);
    }

    public ErrorLog Errors { get; }

    /// <summary>Counts and samples of the sheets that were given.</summary>
    public IReadOnlyList<SheetSummary> Summaries => Sheets.Where(s => _tallies[s.Kind].Present).Select(s => _tallies[s.Kind].ToSummary()).ToList();

    public long RowsWritten => _insert.RowsWritten;

    private bool Writing => _write && !Errors.Any;

    public async Task RunAsync(ImportInput input, CancellationToken ct)
    {
        if (input.Sheets.Count == 0)
        {
            Errors.Add("", null, null, "没有可导入的工作表或文件。 Nothing to import.");
            return;
        }
        foreach (var kind in input.Sheets.Keys) _tallies[kind].Present = true;
        await LoadRegistryAsync(input.Sheets.Keys.ToHashSet(), ct);

        foreach (var spec in Sheets)
        {
            if (!input.Sheets.TryGetValue(spec.Kind, out var source)) continue;
            try
            {
                switch (spec.Kind)
                {
                    case SheetKind.Categories: ReadCategories(source); break;
                    case SheetKind.Units: await ReadUnitsAsync(source, ct); break;
                    case SheetKind.Sections: await ReadSectionsAsync(source, ct); break;
                    case SheetKind.ServiceItems: ReadItems(source); break;
                    case SheetKind.Staff:
                        await WriteSmallSheetsAsync(ct);
                        await ReadStaffAsync(source, ct);
                        break;
                    case SheetKind.SectionItems:
                        await WriteSmallSheetsAsync(ct);
                        await ReadLinksAsync(source, ct);
                        break;
                }
            }
            catch (UnreadableSheetException)
            {
                _broken.Add(spec.Kind);
                Errors.Add(source.Label, null, null, "工作表内容无法读取，文件可能已损坏。 The sheet cannot be read; the file may be damaged.");
            }
        }
        await WriteSmallSheetsAsync(ct);
        await FlushStaffAsync(ct);
        await FlushLinksAsync(ct);
        await CheckStatesAsync(ct);
    }

    // ------------------------------------------------------------------ the registry before the import

    private async Task LoadRegistryAsync(HashSet<SheetKind> present, CancellationToken ct)
    {
        bool Any(params SheetKind[] kinds) => kinds.Any(present.Contains);
        _dbCategories = await _db.Categories.AsNoTracking()
            .Select(c => new DbCategory(c.Id, c.Code, c.Name)).ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, ct);
        _dbUnits = await _db.Units.AsNoTracking()
            .Select(u => new DbUnit(u.Id, u.Code, u.Name, u.ShortName, u.CreditCode, u.ParentUnitId)).ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, ct);
        _dbUnitCodes = _dbUnits.Values.ToDictionary(u => u.Id, u => u.Code);
        _closedUnits = (await _db.Units.AsNoTracking().Where(u => !u.Active).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        _unitsWithCategory = (await _db.UnitCategories.AsNoTracking().Select(x => x.UnitId).Distinct().ToListAsync(ct)).ToHashSet();
        if (Any(SheetKind.Units, SheetKind.Sections, SheetKind.Staff, SheetKind.SectionItems)) // a unit closed needs its sections
        {
            _dbSections = await _db.Sections.AsNoTracking()
                .Select(s => new DbSection(s.Id, s.UnitId, s.Code, s.Name, s.Kind, s.ParentSectionId, s.Address)).ToDictionaryAsync(s => s.Code, StringComparer.Ordinal, ct);
            _dbSectionCodes = _dbSections.Values.ToDictionary(s => s.Id, s => s.Code);
            _closedSections = (await _db.Sections.AsNoTracking().Where(s => !s.Active).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        }
        if (Any(SheetKind.ServiceItems, SheetKind.SectionItems))
            _dbItems = await _db.ServiceItems.AsNoTracking()
                .Select(i => new DbItem(i.Id, i.Code, i.Name, i.UnitId, i.StatutoryDays, i.PromisedDays)).ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, ct);
        if (present.Contains(SheetKind.Staff))
            _dbStaff = await _db.Staff.AsNoTracking()
                .Select(s => new DbStaff(s.Id, s.UnitId, s.Code, s.Name, s.Employment, s.SectionId, s.Position, s.Phone, s.IdNumber, s.Active))
                .ToDictionaryAsync(s => (s.UnitId, s.Code), ct);
        if (present.Contains(SheetKind.SectionItems))
            _dbLinks = await _db.SectionServiceItems.AsNoTracking()
                .Select(x => new DbLink(x.Id, x.SectionId, x.ServiceItemId, x.Mandatory)).ToDictionaryAsync(x => (x.SectionId, x.ItemId), ct);
    }

    // ------------------------------------------------------------------ 类别 categories

    private void ReadCategories(SheetSource source)
    {
        var sheet = Open(source);
        if (sheet is null) return;
        var f = sheet.Fields;
        foreach (var row in sheet.Rows)
        {
            f.Begin(row);
            var code = f.Required(CategoryColumns.Code);
            var name = f.Required(CategoryColumns.Name);
            if (code is null) continue;
            if (_categories.TryGetValue(code, out var first))
            {
                f.Error(CategoryColumns.Code, Duplicate(code, first.Row));
                continue;
            }
            var r = new CategoryRow(row.Number, code) { Ok = f.Ok };
            _categories[code] = r;
            if (!r.Ok) continue;
            sheet.Sample(row.Number);
            if (_dbCategories.TryGetValue(code, out var existing))
            {
                r.Id = existing.Id;
                if (existing.Name != name) { _categoryChanges.Add((existing.Id, c => c.Rename(name!, _now))); sheet.Tally.Update++; }
                else sheet.Tally.Unchanged++;
            }
            else
            {
                r.Entity = new Category(code, name!, _now);
                r.Id = r.Entity.Id;
                sheet.Tally.Create++;
            }
        }
    }

    private Guid? ResolveCategory(string code) =>
        _categories.TryGetValue(code, out var r) ? r.Id : _dbCategories.TryGetValue(code, out var c) ? c.Id : null;

    // ------------------------------------------------------------------ 单位 units

    private async Task ReadUnitsAsync(SheetSource source, CancellationToken ct)
    {
        _unitsSource = source;
        var sheet = Open(source);
        if (sheet is null) return;
        var f = sheet.Fields;
        var parentGiven = f.Has(UnitColumns.Parent);
        var rows = new List<UnitRow>();
        foreach (var row in sheet.Rows)
        {
            f.Begin(row);
            var code = f.Required(UnitColumns.Code);
            var r = new UnitRow(row.Number, code ?? "")
            {
                Name = f.Required(UnitColumns.Name),
                ShortName = f.Optional(UnitColumns.ShortName),
                CreditCode = f.Optional(UnitColumns.CreditCode),
                ParentCode = f.Optional(UnitColumns.Parent),
                ParentGiven = parentGiven,
                CategoryCode = f.Optional(UnitColumns.Category), // required below, unless the unit stays without one
                Year = _year,
            };
            if (r.CreditCode is not null && !CreditCode.IsValid(r.CreditCode, out var creditError))
                f.Error(UnitColumns.CreditCode, creditError + " Invalid unified social credit code.");
            if (f.Optional(UnitColumns.Year) is { } yearText)
            {
                if (int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && Infrastructure.Problems.IsYear(y)) r.Year = y;
                else f.Error(UnitColumns.Year, $"年度“{yearText}”应为四位年份，如 {_year}。 Year must be like {_year}.");
            }
            if (r.CategoryCode is not null && ResolveCategory(r.CategoryCode) is null)
            {
                if (_broken.Contains(SheetKind.Categories)) f.Unresolved();
                else f.Error(UnitColumns.Category, Unknown("类别", r.CategoryCode, "categories", "category"));
            }
            if (code is null) continue;
            if (r.ParentCode == code)
                f.Error(UnitColumns.Parent, "单位不能以自身为上级单位。 A unit cannot be its own parent.");
            if (_units.TryGetValue(code, out var first))
            {
                f.Error(UnitColumns.Code, Duplicate(code, first.Row));
                continue;
            }
            r.Existing = _dbUnits.GetValueOrDefault(code);
            // A unit made without a category (the API allows it) is exported with an empty cell and imports back as it is.
            if (r.CategoryCode is null && !(r.Existing is { } bare && !_unitsWithCategory.Contains(bare.Id)))
                f.Error(UnitColumns.Category, $"“{UnitColumns.Category.Zh}”为必填项。 Required.");
            r.Open = OpenState(f, UnitColumns.Status);
            r.Ok = f.Ok;
            _units[code] = r;
            rows.Add(r);
        }

        // Checks that need the whole sheet: parents exist, no cycles, credit codes unique.
        // A unit given in the file with the credit-code column present gives up its stored code.
        var creditGiven = f.Has(UnitColumns.CreditCode);
        var creditOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var u in _dbUnits.Values)
            if (u.CreditCode is { } stored && !(creditGiven && _units.ContainsKey(u.Code))) creditOwners.TryAdd(stored, u.Code);
        foreach (var r in rows)
        {
            if (r.ParentCode is { } parent && parent != r.Code && !_units.ContainsKey(parent) && !_dbUnits.ContainsKey(parent))
                RowError(source, r.Row, UnitColumns.Parent, Unknown("上级单位", parent, "units", "parent unit"), r);
            if (r.ParentCode != r.Code && Cycle(r.Code, UnitParentCode) is { } cycle)
                RowError(source, r.Row, UnitColumns.Parent, $"上级单位形成循环：{cycle}。 The parent units form a cycle.", r);
            if (r.CreditCode is { } cc)
            {
                if (creditOwners.TryGetValue(cc, out var owner) && owner != r.Code)
                    RowError(source, r.Row, UnitColumns.CreditCode, $"统一社会信用代码 {cc} 已被单位“{owner}”使用。 The credit code belongs to another unit.", r);
                else creditOwners[cc] = r.Code;
            }
        }

        var years = rows.Select(r => r.Year).Distinct().ToList();
        _dbUnitCategories = await _db.UnitCategories.AsNoTracking().Where(x => years.Contains(x.Year))
            .Select(x => new DbUnitCategory(x.Id, x.UnitId, x.Year, x.CategoryId)).ToDictionaryAsync(x => (x.UnitId, x.Year), ct);

        foreach (var r in rows)
        {
            var id = UnitIdOf(r); // builds new units parents first
            if (!r.Ok) continue;
            sheet.Sample(r.Row);
            var changed = false;
            if (r.CategoryCode is not null) // null: an existing unit without a category, left so
            {
                var categoryId = ResolveCategory(r.CategoryCode)!.Value;
                if (!_dbUnitCategories.TryGetValue((id, r.Year), out var assigned)) _newUnitCategories.Add(new UnitCategory(id, r.Year, categoryId));
                else if (assigned.CategoryId != categoryId)
                {
                    _unitCategoryChanges.Add((assigned.Id, x => x.Reassign(categoryId)));
                    changed = true;
                }
            }

            var state = StateChange(r.Open, id, _closedUnits, r.Existing is null);
            if (state is { } st)
            {
                _unitStates.Add((r, st));
                if (r.Existing is null && !st) r.Entity!.Close(_now); // a new unit listed as closed already
            }
            if (r.Existing is not { } e)
            {
                sheet.Tally.Create++;
                continue;
            }
            if (state is { } toOpen)
            {
                _unitChanges.Add((e.Id, u => { if (toOpen) u.Reopen(_now); else u.Close(_now); }));
                changed = true;
            }
            var name = r.Name!;
            var rename = e.Name != name;
            var shortName = f.Has(UnitColumns.ShortName) && e.ShortName != r.ShortName;
            var credit = f.Has(UnitColumns.CreditCode) && e.CreditCode != r.CreditCode;
            var parentId = r.ParentGiven ? (r.ParentCode is null ? null : ResolveUnit(r.ParentCode)) : e.ParentUnitId;
            var move = parentId != e.ParentUnitId;
            if (rename || shortName || credit || move)
            {
                var (newShort, newCredit) = (r.ShortName, r.CreditCode);
                _unitChanges.Add((e.Id, u =>
                {
                    if (rename) u.Rename(name, _now);
                    if (shortName) u.ShortName = newShort;
                    if (credit) u.CreditCode = newCredit;
                    if (move) u.MoveTo(parentId, _now);
                }));
                changed = true;
            }
            if (changed) sheet.Tally.Update++;
            else sheet.Tally.Unchanged++;
        }
    }

    /// <summary>
    /// What the file's 状态 changes: true reopens, false closes, null leaves the record as it is (or gives no state). The
    /// set of closed ones follows at once, so that later sheets put nothing new into what this file closes.
    /// </summary>
    private static bool? StateChange(bool? open, Guid id, HashSet<Guid> closed, bool isNew)
    {
        if (open is not { } wanted || wanted != (!isNew && closed.Contains(id))) return null;
        if (wanted) closed.Remove(id); else closed.Add(id);
        return wanted;
    }

    private static void Shift(Dictionary<Guid, int> counts, Guid? id, int by)
    {
        if (id is { } x) counts[x] = counts.GetValueOrDefault(x) + by;
    }

    /// <summary>The people in post by unit and section as stored, read once before anything is written, and only when the file closes something.</summary>
    private async Task LoadInPostAsync(CancellationToken ct)
    {
        if (_inPostByUnit is not null || _unitStates.Count + _sectionStates.Count == 0) return;
        var rows = await _db.Staff.AsNoTracking().Where(s => s.Active).GroupBy(s => new { s.UnitId, s.SectionId })
            .Select(g => new { g.Key.UnitId, g.Key.SectionId, N = g.Count() }).ToListAsync(ct);
        _inPostByUnit = [];
        _inPostBySection = [];
        foreach (var r in rows)
        {
            Shift(_inPostByUnit, r.UnitId, r.N);
            Shift(_inPostBySection, r.SectionId, r.N);
        }
    }

    /// <summary>
    /// ORG-1, decision 045: what the file closes has nothing open under it once the whole file is applied (its own sub-units,
    /// sections and people closed, moved or recorded as departed count as such), and what it reopens has an open unit and
    /// section above it. The refusals are those of the unit's and the section's pages, on the row that asks.
    /// </summary>
    private async Task CheckStatesAsync(CancellationToken ct)
    {
        CheckPlacements();
        if (_unitStates.Count == 0 && _sectionStates.Count == 0) return;
        await LoadInPostAsync(ct);
        var subUnits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var code in _dbUnits.Keys.Union(_units.Keys))
            if (UnitParentCode(code) is { } parent && ResolveUnit(code) is { } id && !_closedUnits.Contains(id))
                subUnits[parent] = subUnits.GetValueOrDefault(parent) + 1;
        var sectionsOfUnit = new Dictionary<Guid, int>();
        var below = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var code in _dbSections.Keys.Union(_sections.Keys))
        {
            if (ResolveSection(code) is not { } id || _closedSections.Contains(id)) continue;
            Shift(sectionsOfUnit, SectionUnit(code), 1);
            if (SectionParentCode(code) is { } parent) below[parent] = below.GetValueOrDefault(parent) + 1;
        }
        int InPost(Dictionary<Guid, int>? stored, Dictionary<Guid, int> shift, Guid id) => (stored?.GetValueOrDefault(id) ?? 0) + shift.GetValueOrDefault(id);

        foreach (var (r, open) in _unitStates)
        {
            if (!open)
            {
                var (units, sections, staff) = (subUnits.GetValueOrDefault(r.Code), sectionsOfUnit.GetValueOrDefault(r.Id), InPost(_inPostByUnit, _inPostShiftByUnit, r.Id));
                if (units + sections + staff > 0) RowError(_unitsSource!, r.Row, UnitColumns.Status, OrgClosure.StillOpen(r.Name!, sections, staff, units), r);
            }
            else if (UnitParentCode(r.Code) is { } parent && ResolveUnit(parent) is { } parentId && _closedUnits.Contains(parentId))
                RowError(_unitsSource!, r.Row, UnitColumns.Status, OrgClosure.ParentUnitClosed, r);
        }
        foreach (var (r, open) in _sectionStates)
        {
            if (!open)
            {
                var (sections, staff) = (below.GetValueOrDefault(r.Code), InPost(_inPostBySection, _inPostShiftBySection, r.Id));
                if (sections + staff > 0) RowError(_sectionsSource!, r.Row, SectionColumns.Status, OrgClosure.StillOpen(r.Name!, sections, staff, 0), r);
            }
            else if (r.UnitId is { } unit && _closedUnits.Contains(unit))
                RowError(_sectionsSource!, r.Row, SectionColumns.Status, OrgClosure.UnitOfSectionClosed, r);
            else if (SectionParentCode(r.Code) is { } parent && ResolveSection(parent) is { } parentId && _closedSections.Contains(parentId))
                RowError(_sectionsSource!, r.Row, SectionColumns.Status, OrgClosure.ParentSectionClosed, r);
        }
    }

    /// <summary>
    /// Decision 045: nothing new goes under a closed unit or section — a unit or section of the file, open once the file is
    /// applied, new or placed under another parent, whose parent is then closed (closed before, or by this file). A reopened
    /// one is refused by <see cref="CheckStatesAsync"/> on its 状态.
    /// </summary>
    private void CheckPlacements()
    {
        var reopened = _unitStates.Where(x => x.Open).Select(x => x.Row).Concat<object>(_sectionStates.Where(x => x.Open).Select(x => x.Row)).ToHashSet();
        foreach (var r in _units.Values)
        {
            if (!r.Ok || reopened.Contains(r) || _closedUnits.Contains(r.Id) || UnitParentCode(r.Code) is not { } parent) continue;
            var moved = r.Existing is not { } e || _dbUnitCodes.GetValueOrDefault(e.ParentUnitId ?? Guid.Empty) != parent;
            if (moved && ResolveUnit(parent) is { } parentId && _closedUnits.Contains(parentId))
                RowError(_unitsSource!, r.Row, UnitColumns.Parent, $"上级单位“{parent}”已撤销，不能在其下新增或划入单位。 The parent unit is closed.", r);
        }
        foreach (var r in _sections.Values)
        {
            if (!r.Ok || reopened.Contains(r) || _closedSections.Contains(r.Id) || SectionParentCode(r.Code) is not { } parent) continue;
            var moved = r.Existing is not { } e || _dbSectionCodes.GetValueOrDefault(e.ParentSectionId ?? Guid.Empty) != parent;
            if (moved && ResolveSection(parent) is { } parentId && _closedSections.Contains(parentId))
                RowError(_sectionsSource!, r.Row, SectionColumns.Parent, $"上级科室“{parent}”已撤销，不能在其下新增或划入科室。 The parent section is closed.", r);
        }
    }

    /// <summary>状态 of a unit or section (在用 / 已撤销), or null when the cell or the column is empty.</summary>
    private static bool? OpenState(Fields f, ColumnSpec column)
    {
        if (f.Optional(column) is not { } text) return null;
        if (TryParseOpen(text, out var open)) return open;
        f.Error(column, $"状态“{text}”无法识别，应为 在用 或 已撤销。 Unknown state: 在用 (open) or 已撤销 (closed).");
        return null;
    }

    /// <summary>The unit's parent after the import: the file's, else the database's.</summary>
    private string? UnitParentCode(string code)
    {
        if (_units.TryGetValue(code, out var r))
        {
            if (r.ParentGiven) return r.ParentCode;
            return r.Existing?.ParentUnitId is { } p ? _dbUnitCodes.GetValueOrDefault(p) : null;
        }
        return _dbUnits.TryGetValue(code, out var u) && u.ParentUnitId is { } pid ? _dbUnitCodes.GetValueOrDefault(pid) : null;
    }

    /// <summary>The id a unit has after the import; new units are built here, parents before children, so the first version names the right parent.</summary>
    private Guid UnitIdOf(UnitRow start)
    {
        if (!start.NeedsEntity) return start.Id;
        var chain = new Stack<UnitRow>();
        for (var r = start; ;)
        {
            chain.Push(r);
            if (r.ParentCode is { } pc && _units.TryGetValue(pc, out var p) && p.NeedsEntity) r = p;
            else break;
        }
        while (chain.Count > 0)
        {
            var r = chain.Pop();
            var parentId = r.ParentCode is null ? null : ResolveUnit(r.ParentCode);
            r.Entity = new Unit(r.Code, r.Name!, _now, parentId) { ShortName = r.ShortName, CreditCode = r.CreditCode };
        }
        return start.Id;
    }

    /// <summary>The code of a unit in the database or in this import.</summary>
    private string UnitCodeOf(Guid id) => _dbUnitCodes.GetValueOrDefault(id) ?? _units.Values.FirstOrDefault(u => u.Id == id)?.Code ?? "";

    private Guid? ResolveUnit(string code) =>
        _units.TryGetValue(code, out var r) ? UnitIdOf(r) : _dbUnits.TryGetValue(code, out var u) ? u.Id : null;

    /// <summary>Null, or a message when the unit code is unknown to both the file and the database.</summary>
    private Guid? RequireUnit(Fields f, ColumnSpec column, string code)
    {
        var id = ResolveUnit(code);
        if (id is not null) return id;
        if (_broken.Contains(SheetKind.Units)) f.Unresolved();
        else f.Error(column, Unknown("单位", code, "units", "unit"));
        return null;
    }

    // ------------------------------------------------------------------ 科室 sections

    private async Task ReadSectionsAsync(SheetSource source, CancellationToken ct)
    {
        _sectionsSource = source;
        var sheet = Open(source);
        if (sheet is null) return;
        var f = sheet.Fields;
        var parentGiven = f.Has(SectionColumns.Parent);
        var rows = new List<SectionRow>();
        foreach (var row in sheet.Rows)
        {
            f.Begin(row);
            var code = f.Required(SectionColumns.Code);
            var r = new SectionRow(row.Number, code ?? "")
            {
                Name = f.Required(SectionColumns.Name),
                UnitCode = f.Required(SectionColumns.Unit),
                ParentCode = f.Optional(SectionColumns.Parent),
                ParentGiven = parentGiven,
                Address = f.Optional(SectionColumns.Address),
            };
            if (f.Required(SectionColumns.Kind) is { } kindText)
            {
                if (TryParseKind(kindText, out var kind)) r.Kind = kind;
                else f.Error(SectionColumns.Kind, $"类型“{kindText}”无法识别，应为 内设科室、二级单位、服务大厅、窗口、乡镇服务网点 或 街道服务网点。 Unknown section kind.");
            }
            if (r.UnitCode is not null) r.UnitId = RequireUnit(f, SectionColumns.Unit, r.UnitCode);
            if (code is null) continue;
            if (r.ParentCode == code) f.Error(SectionColumns.Parent, "科室不能以自身为上级科室。 A section cannot be its own parent.");
            if (_sections.TryGetValue(code, out var first))
            {
                f.Error(SectionColumns.Code, Duplicate(code, first.Row));
                continue;
            }
            r.Existing = _dbSections.GetValueOrDefault(code);
            if (r.UnitId is { } into && _closedUnits.Contains(into) && r.Existing?.UnitId != into)
                f.Error(SectionColumns.Unit, $"单位“{r.UnitCode}”已撤销，不能新增或划入科室。 The unit is closed.");
            r.Open = OpenState(f, SectionColumns.Status);
            r.Ok = f.Ok;
            _sections[code] = r;
            rows.Add(r);
        }

        // Decision 026: a moved section takes along the sections below it that the file does not place itself.
        var roots = rows.Where(r => r.Existing is { } e && r.UnitId is { } u && u != e.UnitId).ToList();
        if (roots.Count > 0)
        {
            var children = _dbSections.Values.Where(x => x.ParentSectionId is not null).ToLookup(x => x.ParentSectionId!.Value, x => x.Id);
            foreach (var r in roots)
                foreach (var below in SectionMove.Below(r.Existing!.Id, id => children[id], id => _sections.ContainsKey(_dbSectionCodes[id])))
                    _followers[below] = r.UnitId!.Value;
        }

        // Each section's parent after the import must exist, be in the same unit and form no cycle.
        foreach (var r in rows)
        {
            if (r.ParentCode is { } given && given != r.Code && !_sections.ContainsKey(given) && !_dbSections.ContainsKey(given))
            {
                RowError(source, r.Row, SectionColumns.Parent, Unknown("上级科室", given, "sections", "parent section"), r);
                continue;
            }
            if (SectionParentCode(r.Code) is not { } parent || parent == r.Code) continue;
            if (SectionUnit(parent) is { } parentUnit && r.UnitId is { } unit && parentUnit != unit)
            {
                if (r.ParentGiven)
                    RowError(source, r.Row, SectionColumns.Parent, $"上级科室“{parent}”属于另一个单位；上级科室须与本科室属于同一单位。 The parent section belongs to another unit.", r);
                else
                    RowError(source, r.Row, SectionColumns.Unit, $"上级科室“{parent}”将划转到另一个单位，本科室却仍属单位“{r.UnitCode}”：下设科室随上级科室划转（决定 026）。"
                        + "请把本行的所属单位改为上级科室的新单位，或用“上级科室代码”列另指定上级科室（留空为不设上级）。 The parent section moves to another unit; move this section with it or give it another parent.", r);
            }
            else if (Cycle(r.Code, SectionParentCode) is { } cycle)
                RowError(source, r.Row, SectionColumns.Parent, $"上级科室形成循环：{cycle}。 The parent sections form a cycle.", r);
        }

        if (roots.Count > 0) await PlanStaffMovesAsync(source, roots, ct);

        foreach (var r in rows)
        {
            var sectionId = SectionIdOf(r);
            if (!r.Ok) continue;
            sheet.Sample(r.Row);
            var state = StateChange(r.Open, sectionId, _closedSections, r.Existing is null);
            if (state is { } st)
            {
                _sectionStates.Add((r, st));
                if (r.Existing is null && !st) r.Entity!.Close(_now);
            }
            if (r.Existing is not { } e)
            {
                sheet.Tally.Create++;
                continue;
            }
            if (state is { } toOpen) _sectionChanges.Add((e.Id, s => { if (toOpen) s.Reopen(_now); else s.Close(_now); }));
            var (name, unitId, kind, address) = (r.Name!, r.UnitId!.Value, r.Kind, r.Address);
            var move = e.UnitId != unitId;
            var parentId = SectionParentCode(r.Code) is { } parentCode ? ResolveSection(parentCode) : null;
            var rename = e.Name != name;
            var reclassify = e.Kind != kind;
            var place = parentId != e.ParentSectionId;
            var readdress = f.Has(SectionColumns.Address) && e.Address != address;
            if (rename || move || reclassify || place || readdress || state is not null)
            {
                _sectionChanges.Add((e.Id, s =>
                {
                    if (rename) s.Rename(name, _now);
                    if (move) s.MoveTo(unitId, _now); // ORG-1: sections belong to one unit at a time; history keeps the old one
                    if (reclassify) s.Reclassify(kind, _now);
                    if (s.ParentSectionId != parentId) s.PlaceUnder(parentId);
                    if (readdress) s.Address = address;
                }));
                sheet.Tally.Update++;
            }
            else sheet.Tally.Unchanged++;
        }
        foreach (var (id, unitId) in _followers)
            _sectionChanges.Add((id, s => s.MoveWithParent(unitId, _now)));
    }

    /// <summary>
    /// Decision 026: the staff of the moved sections (and of those below them) go to the sections' new unit. A code that
    /// would then be used twice in that unit is an error on the section row that moves them. Staff rows of this import
    /// are matched by the person's unit after the move.
    /// </summary>
    private async Task PlanStaffMovesAsync(SheetSource source, List<SectionRow> roots, CancellationToken ct)
    {
        var rootOf = roots.ToDictionary(r => r.Existing!.Id);
        foreach (var (follower, _) in _followers)
        {
            // The row that moves a follower: walk up its parents to a moved row.
            var up = follower;
            while (!rootOf.ContainsKey(up) && _dbSections.GetValueOrDefault(_dbSectionCodes[up])?.ParentSectionId is { } p) up = p;
            if (rootOf.TryGetValue(up, out var root)) rootOf[follower] = root;
        }
        var moving = rootOf.Keys.ToList();
        var people = new List<(Guid Id, Guid UnitId, string Code, Guid SectionId, bool Active)>();
        foreach (var chunk in moving.Chunk(UpdateChunk))
            people.AddRange((await _db.Staff.AsNoTracking().Where(s => s.SectionId != null && chunk.Contains(s.SectionId.Value))
                .Select(s => new { s.Id, s.UnitId, s.Code, SectionId = s.SectionId!.Value, s.Active }).ToListAsync(ct))
                .Select(s => (s.Id, s.UnitId, s.Code, s.SectionId, s.Active)));
        var moves = people.Select(p => (Person: p, To: SectionUnit(_dbSectionCodes[p.SectionId])!.Value, Row: rootOf[p.SectionId]))
            .Where(m => m.To != m.Person.UnitId).ToList();
        if (moves.Count == 0) return;

        var targets = moves.Select(m => m.To).Distinct().ToList();
        var codes = moves.Select(m => m.Person.Code).Distinct().ToList();
        var taken = new List<(Guid UnitId, string Code)>();
        foreach (var chunk in codes.Chunk(UpdateChunk))
            taken.AddRange((await _db.Staff.AsNoTracking().Where(s => targets.Contains(s.UnitId) && chunk.Contains(s.Code))
                .Select(s => new { s.UnitId, s.Code }).ToListAsync(ct)).Select(s => (s.UnitId, s.Code)));
        foreach (var into in moves.GroupBy(m => m.To))
        {
            var clashes = SectionMove.CodeClashes(into.Select(m => m.Person.Code), taken.Where(t => t.UnitId == into.Key).Select(t => t.Code)).ToHashSet(StringComparer.Ordinal);
            if (clashes.Count == 0) continue;
            var unitCode = UnitCodeOf(into.Key);
            foreach (var byRow in into.Where(m => clashes.Contains(m.Person.Code)).GroupBy(m => m.Row))
                RowError(source, byRow.Key.Row, SectionColumns.Unit,
                    SectionMove.ClashMessage(byRow.Key.Code, unitCode, byRow.Select(m => m.Person.Code).Distinct().Order(StringComparer.Ordinal).ToList()), byRow.Key);
        }

        foreach (var (person, to, _) in moves)
        {
            _staffFollows.Add((person.Id, s => s.MoveWithSection(to, _now)));
            if (person.Active) { Shift(_inPostShiftByUnit, person.UnitId, -1); Shift(_inPostShiftByUnit, to, +1); }
            // The staff sheet, if any, finds the person under their new unit.
            if (_dbStaff.Remove((person.UnitId, person.Code), out var stored) && _dbStaff.TryAdd((to, person.Code), stored with { UnitId = to }))
                _movedStaff[(person.UnitId, person.Code)] = (UnitCodeOf(to), _dbSectionCodes[person.SectionId]);
        }
    }

    /// <summary>
    /// The section's parent after the import: the file's when the column is given; else the stored one, except that a
    /// section moved to another unit leaves a parent that does not go to the same unit (as <see cref="Section.MoveTo"/>).
    /// </summary>
    private string? SectionParentCode(string code)
    {
        if (_sections.TryGetValue(code, out var r))
        {
            if (r.ParentGiven) return r.ParentCode;
            if (r.Existing is not { ParentSectionId: { } p } e) return null;
            var parent = _dbSectionCodes.GetValueOrDefault(p);
            return parent is not null && e.UnitId != r.UnitId && SectionUnit(parent) != r.UnitId ? null : parent;
        }
        return _dbSections.TryGetValue(code, out var s) && s.ParentSectionId is { } pid ? _dbSectionCodes.GetValueOrDefault(pid) : null;
    }

    /// <summary>The unit a section belongs to after the import: the file's, the unit of the moved section it goes with (decision 026), or the stored one.</summary>
    private Guid? SectionUnit(string code) =>
        _sections.TryGetValue(code, out var r) ? r.UnitId
        : _dbSections.TryGetValue(code, out var s) ? (_followers.TryGetValue(s.Id, out var moved) ? moved : s.UnitId)
        : null;

    private Guid SectionIdOf(SectionRow start)
    {
        if (!start.NeedsEntity) return start.Id;
        var chain = new Stack<SectionRow>();
        for (var r = start; ;)
        {
            chain.Push(r);
            if (r.ParentCode is { } pc && _sections.TryGetValue(pc, out var p) && p.NeedsEntity) r = p;
            else break;
        }
        while (chain.Count > 0)
        {
            var r = chain.Pop();
            var parentId = r.ParentCode is null ? null : ResolveSection(r.ParentCode);
            r.Entity = new Section(r.UnitId!.Value, r.Code, r.Name!, r.Kind, _now, parentId) { Address = r.Address };
        }
        return start.Id;
    }

    private Guid? ResolveSection(string code) =>
        _sections.TryGetValue(code, out var r) ? SectionIdOf(r) : _dbSections.TryGetValue(code, out var s) ? s.Id : null;

    // ------------------------------------------------------------------ 服务事项 service items (ORG-6)

    private void ReadItems(SheetSource source)
    {
        var sheet = Open(source);
        if (sheet is null) return;
        var f = sheet.Fields;
        foreach (var row in sheet.Rows)
        {
            f.Begin(row);
            var code = f.Required(ItemColumns.Code);
            var name = f.Required(ItemColumns.Name);
            var unitCode = f.Optional(ItemColumns.Unit);
            var unitId = unitCode is null ? null : RequireUnit(f, ItemColumns.Unit, unitCode);
            var statutory = Days(f, ItemColumns.Statutory);
            var promised = Days(f, ItemColumns.Promised);
            if (code is null) continue;
            if (_items.TryGetValue(code, out var first))
            {
                f.Error(ItemColumns.Code, Duplicate(code, first.Row));
                continue;
            }
            var existing = _dbItems.GetValueOrDefault(code);
            // An absent column keeps the stored value; the rule is checked on what the item will be.
            if (!f.Has(ItemColumns.Unit)) unitId = existing?.UnitId;
            if (!f.Has(ItemColumns.Statutory)) statutory = existing?.Statutory;
            if (!f.Has(ItemColumns.Promised)) promised = existing?.Promised;
            if (statutory is { } s && promised is { } p && p > s)
                f.Error(ItemColumns.Promised, $"承诺时限（{p} 个工作日）不得长于法定时限（{s} 个工作日）（INS-14）。 The promised time limit exceeds the statutory one.");
            var r = new ItemRow(row.Number, code) { Ok = f.Ok };
            _items[code] = r;
            if (!r.Ok) continue;
            sheet.Sample(row.Number);
            if (existing is null)
            {
                r.Entity = new ServiceItem(code, name!, unitId, statutory, promised);
                sheet.Tally.Create++;
            }
            else if (existing.Name != name || existing.UnitId != unitId || existing.Statutory != statutory || existing.Promised != promised)
            {
                r.Existing = existing;
                _itemChanges.Add((existing.Id, i => i.Update(name!, unitId, statutory, promised)));
                sheet.Tally.Update++;
            }
            else
            {
                r.Existing = existing;
                sheet.Tally.Unchanged++;
            }
        }
    }

    private static int? Days(Fields f, ColumnSpec column)
    {
        if (f.Optional(column) is not { } text) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650) return days;
        f.Error(column, $"“{column.Zh}”应为 0 到 3650 之间的整数（工作日数），实为“{text}”。 Expected a whole number of working days.");
        return null;
    }

    private Guid? ResolveItem(string code) =>
        _items.TryGetValue(code, out var r) ? r.Id : _dbItems.TryGetValue(code, out var i) ? i.Id : null;

    // ------------------------------------------------------------------ 工作人员 staff (ORG-2), streamed

    private async Task ReadStaffAsync(SheetSource source, CancellationToken ct)
    {
        var sheet = Open(source);
        if (sheet is null) return;
        var f = sheet.Fields;
        var seen = new Dictionary<(Guid, string), int>();
        var hasSection = f.Has(StaffColumns.Section);
        var hasPosition = f.Has(StaffColumns.Position);
        var hasPhone = f.Has(StaffColumns.Phone);
        var hasId = f.Has(StaffColumns.IdNumber);
        foreach (var row in sheet.Rows)
        {
            f.Begin(row);
            var unitCode = f.Required(StaffColumns.Unit);
            var unitId = unitCode is null ? null : RequireUnit(f, StaffColumns.Unit, unitCode);
            var code = f.Required(StaffColumns.Code);
            var name = f.Required(StaffColumns.Name);
            var employment = EmploymentType.InService;
            if (f.Required(StaffColumns.Employment) is { } employmentText && !TryParseEmployment(employmentText, out employment))
                f.Error(StaffColumns.Employment, $"用工类型“{employmentText}”无法识别，应为 在编、借调 或 合同。 Unknown employment type.");
            Guid? sectionId = null;
            if (f.Optional(StaffColumns.Section) is { } sectionCode)
            {
                sectionId = ResolveSection(sectionCode);
                if (sectionId is null)
                {
                    if (_broken.Contains(SheetKind.Sections)) f.Unresolved();
                    else f.Error(StaffColumns.Section, Unknown("科室", sectionCode, "sections", "section"));
                }
                else if (unitId is not null && SectionUnit(sectionCode) != unitId)
                    f.Error(StaffColumns.Section, $"科室“{sectionCode}”不属于单位“{unitCode}”。 The section belongs to another unit.");
            }
            var position = f.Optional(StaffColumns.Position);

            DbStaff? existing = null;
            if (unitId is { } u && code is not null)
            {
                if (seen.TryGetValue((u, code), out var firstRow))
                    f.Error(StaffColumns.Code, $"工号“{code}”在单位“{unitCode}”内与第 {firstRow} 行重复；工号须在单位内唯一。 Duplicate staff code within the unit.");
                else
                    seen[(u, code)] = row.Number;
                existing = _dbStaff.GetValueOrDefault((u, code));
                if (existing is null && _closedUnits.Contains(u))
                    f.Error(StaffColumns.Unit, $"单位“{unitCode}”已撤销，不能新增人员。 The unit is closed.");
                if (existing is null && _movedStaff.TryGetValue((u, code), out var moved))
                    f.Error(StaffColumns.Unit, $"工作人员“{code}”随科室“{moved.Section}”划转到单位“{moved.Unit}”（见“科室”表，决定 026）；请把本行的所属单位改为“{moved.Unit}”。"
                        + $" The person moves with section {moved.Section} to unit {moved.Unit} in this import; give that unit on this row.");
            }
            if (sectionId is { } post && _closedSections.Contains(post) && existing?.SectionId != post)
                f.Error(StaffColumns.Section, $"科室“{_dbSectionCodes.GetValueOrDefault(post)}”已撤销，不能调入人员。 The section is closed.");
            // 离岗 / 返岗 (decision 044); empty: a new person is in post, a known one stays as they are. Back in post only
            // where there is a post: an open unit, and an open section (the file's, else their own).
            bool? inPost = null;
            if (f.Optional(StaffColumns.Status) is { } statusText)
            {
                if (TryParseInPost(statusText, out var state)) inPost = state;
                else f.Error(StaffColumns.Status, $"状态“{statusText}”无法识别，应为 在岗 或 离岗。 Unknown state: 在岗 (in post) or 离岗 (left).");
            }
            var setActive = existing is not null && inPost is { } wanted && wanted != existing.Active;
            if (setActive && inPost == true)
            {
                if (_closedUnits.Contains(existing!.UnitId))
                    f.Error(StaffColumns.Status, $"单位“{unitCode}”已撤销，人员不能返岗。 The unit is closed: no return to post.");
                else if ((hasSection ? sectionId : existing.SectionId) is { } returnTo && _closedSections.Contains(returnTo))
                    f.Error(StaffColumns.Status, $"其所在科室“{_dbSectionCodes.GetValueOrDefault(returnTo)}”已撤销，请同时为其填写在用的科室代码。"
                        + " Their section is closed: give an open one with the return.");
            }
            var (phone, keepPhone) = PersonalValue(f, StaffColumns.Phone, existing?.Phone, PersonalData.MaskPhone, raw =>
                PhoneNumber.IsValid(raw, out var error) ? (PhoneNumber.Normalize(raw), null) : (null, error + " Invalid phone number."));
            var (idNumber, keepId) = PersonalValue(f, StaffColumns.IdNumber, existing?.IdNumber, PersonalData.MaskIdNumber, raw =>
                ResidentIdNumber.IsValid(raw, _today, out var error) ? (raw.ToUpperInvariant(), null) : (null, error + " Invalid resident ID number."));

            if (!f.Ok) continue;
            sheet.Sample(row.Number);
            var closing = _unitStates.Count + _sectionStates.Count > 0; // the counts serve only a closure's check
            if (closing && existing is { Active: true }) { Shift(_inPostShiftByUnit, existing.UnitId, -1); Shift(_inPostShiftBySection, existing.SectionId, -1); }
            if (closing && (inPost ?? existing?.Active ?? true))
            {
                Shift(_inPostShiftByUnit, unitId, +1);
                Shift(_inPostShiftBySection, existing is null || hasSection ? sectionId : existing.SectionId, +1);
            }
            if (existing is null)
            {
                sheet.Tally.Create++;
                if (Writing)
                {
                    var person = new Staff(unitId!.Value, code!, name!, employment, _now, sectionId, position) { Phone = phone, IdNumber = idNumber };
                    if (inPost == false) person.Leave(_now); // listed as gone already (a registry moved from another system)
                    _newStaff.Add(person);
                }
            }
            else
            {
                var setSection = hasSection && existing.SectionId != sectionId;
                var setPosition = hasPosition && existing.Position != position;
                var setPhone = hasPhone && !keepPhone && existing.Phone != phone;
                var setId = hasId && !keepId && existing.IdNumber != idNumber;
                if (existing.Name != name || existing.Employment != employment || setSection || setPosition || setPhone || setId || setActive)
                {
                    sheet.Tally.Update++;
                    if (Writing)
                    {
                        _staffChanges.Add((existing.Id, s =>
                        {
                            s.Rename(name!, _now);
                            s.ChangeEmployment(employment, _now);
                            if (setSection) s.AssignTo(sectionId, _now);
                            if (setPosition) s.ChangePosition(position, _now);
                            if (setPhone) s.Phone = phone;
                            if (setId) s.IdNumber = idNumber;
                            if (setActive && inPost == true) s.Return(_now);
                            else if (setActive) s.Leave(_now);
                        }));
                    }
                }
                else sheet.Tally.Unchanged++;
            }
            if (_newStaff.Count + _staffChanges.Count >= WriteBatch) await FlushStaffAsync(ct);
        }
    }

    /// <summary>
    /// A phone or ID number cell (SEC-4). Empty clears it; a masked value such as 138****1234 (from a masked
    /// export) keeps the stored number if it matches it; anything else must pass the identifier's check.
    /// </summary>
    private static (string? Value, bool Keep) PersonalValue(Fields f, ColumnSpec column, string? stored, Func<string?, string> mask,
        Func<string, (string? Value, string? Error)> check)
    {
        if (f.Optional(column) is not { } raw) return (null, false);
        if (f.IsImprecise(column))
        {
            f.Error(column, $"“{column.Zh}”被 Excel 存成了数字，末几位已丢失（读到 {mask(raw)}）；请把该列设为“文本”格式后重新填写。 Stored as a number; digits were lost.");
            return (null, false);
        }
        if (raw.Contains('*', StringComparison.Ordinal))
        {
            if (stored is not null && mask(stored) == raw) return (stored, true);
            f.Error(column, $"“{column.Zh}”是脱敏后的号码（含 *），无法导入；请填写完整号码或留空。 A masked value cannot be imported.");
            return (null, false);
        }
        var (value, error) = check(raw);
        if (error is not null) f.Error(column, error);
        return (value, false);
    }

    private async Task FlushStaffAsync(CancellationToken ct)
    {
        if (Writing)
        {
            await _insert.InsertAsync(_newStaff, ct);
            await _insert.InsertAsync(_newStaff.SelectMany(s => s.Versions).ToList(), ct);
            await UpdateStaffAsync(_staffChanges, ct);
        }
        _newStaff.Clear();
        _staffChanges.Clear();
    }

    // ------------------------------------------------------------------ 网点事项 section items (ORG-6), streamed

    private async Task ReadLinksAsync(SheetSource source, CancellationToken ct)
    {
        var sheet = Open(source);
        if (sheet is null) return;
        var f = sheet.Fields;
        var seen = new Dictionary<(Guid, Guid), int>();
        foreach (var row in sheet.Rows)
        {
            f.Begin(row);
            Guid? sectionId = null, itemId = null;
            if (f.Required(SectionItemColumns.Section) is { } sectionCode)
            {
                sectionId = ResolveSection(sectionCode);
                if (sectionId is null && _broken.Contains(SheetKind.Sections)) f.Unresolved();
                else if (sectionId is null) f.Error(SectionItemColumns.Section, Unknown("科室", sectionCode, "sections", "section"));
            }
            if (f.Required(SectionItemColumns.Item) is { } itemCode)
            {
                itemId = ResolveItem(itemCode);
                if (itemId is null && _broken.Contains(SheetKind.ServiceItems)) f.Unresolved();
                else if (itemId is null) f.Error(SectionItemColumns.Item, Unknown("服务事项", itemCode, "service items", "service item"));
            }
            var mandatory = false;
            if (f.Required(SectionItemColumns.Mandatory) is { } yesNo && !TryParseYesNo(yesNo, out mandatory))
                f.Error(SectionItemColumns.Mandatory, $"“必办”应填 是 或 否，实为“{yesNo}”。 Expected 是 (yes) or 否 (no).");
            if (sectionId is { } s && itemId is { } i)
            {
                if (seen.TryGetValue((s, i), out var firstRow))
                    f.Error(SectionItemColumns.Item, $"该科室的这一事项与第 {firstRow} 行重复。 Duplicate section and item.");
                else seen[(s, i)] = row.Number;
            }
            if (!f.Ok) continue;
            sheet.Sample(row.Number);
            if (_dbLinks.TryGetValue((sectionId!.Value, itemId!.Value), out var existing))
            {
                if (existing.Mandatory == mandatory) { sheet.Tally.Unchanged++; continue; }
                sheet.Tally.Update++;
                if (Writing) _linkChanges.Add((existing.Id, x => x.Mandatory = mandatory));
            }
            else
            {
                sheet.Tally.Create++;
                if (Writing) _newLinks.Add(new SectionServiceItem(sectionId.Value, itemId.Value, mandatory));
            }
            if (_newLinks.Count + _linkChanges.Count >= WriteBatch) await FlushLinksAsync(ct);
        }
    }

    private async Task FlushLinksAsync(CancellationToken ct)
    {
        if (Writing)
        {
            await _insert.InsertAsync(_newLinks, ct);
            await UpdateAsync(_linkChanges, x => x.Id, null, ct);
        }
        _newLinks.Clear();
        _linkChanges.Clear();
    }

    // ------------------------------------------------------------------ writing

    /// <summary>Writes categories, units, sections and service items once all of them are checked and before the streamed sheets need them.</summary>
    private async Task WriteSmallSheetsAsync(CancellationToken ct)
    {
        await LoadInPostAsync(ct); // before the first write
        if (_smallSheetsWritten) return;
        _smallSheetsWritten = true;
        if (!Writing) return;

        var categories = _categories.Values.Where(r => r.Entity is not null).Select(r => r.Entity!).ToList();
        await _insert.InsertAsync(categories, ct);
        await _insert.InsertAsync(categories.SelectMany(c => c.Versions).ToList(), ct);
        await UpdateAsync(_categoryChanges, c => c.Id, c => c.Versions, ct);

        var units = _units.Values.Where(r => r.Entity is not null).Select(r => r.Entity!).ToList();
        await _insert.InsertAsync(units, ct);
        await _insert.InsertAsync(units.SelectMany(u => u.Versions).ToList(), ct);
        await UpdateAsync(_unitChanges, u => u.Id, u => u.Versions, ct);
        await _insert.InsertAsync(_newUnitCategories, ct);
        await UpdateAsync(_unitCategoryChanges, x => x.Id, null, ct);

        var sections = _sections.Values.Where(r => r.Entity is not null).Select(r => r.Entity!).ToList();
        await _insert.InsertAsync(sections, ct);
        await _insert.InsertAsync(sections.SelectMany(s => s.Versions).ToList(), ct);
        await UpdateAsync(_sectionChanges, s => s.Id, s => s.Versions, ct);
        await UpdateStaffAsync(_staffFollows, ct); // decision 026: with their sections

        await _insert.InsertAsync(_items.Values.Where(r => r.Entity is not null).Select(r => r.Entity!).ToList(), ct);
        await UpdateAsync(_itemChanges, i => i.Id, null, ct);
    }

    /// <summary>
    /// Staff changes: a person moved with their section (decision 026) and changed by a staff row of the same import
    /// gets one version for both, so their version of this instant is loaded with them.
    /// </summary>
    private Task UpdateStaffAsync(List<(Guid Id, Action<Staff> Apply)> changes, CancellationToken ct) =>
        UpdateAsync(changes, s => s.Id, s => s.Versions, ct, q => q.Include(s => s.Versions.Where(v => v.ValidFrom == _now)));

    /// <summary>
    /// Updates existing records through their methods (Rename, MoveTo...), a chunk at a time so the change
    /// tracker never holds more than a chunk. Versions the methods append are added explicitly: they carry
    /// their own ids, and EF would otherwise take them for existing rows. <paramref name="shape"/> loads what the
    /// methods need (versions of this instant, which they then change instead of appending).
    /// </summary>
    private async Task UpdateAsync<T>(List<(Guid Id, Action<T> Apply)> changes, Func<T, Guid> idOf, Func<T, IEnumerable<object>>? appended, CancellationToken ct,
        Func<IQueryable<T>, IQueryable<T>>? shape = null)
        where T : class
    {
        foreach (var chunk in changes.Chunk(UpdateChunk))
        {
            var ids = chunk.Select(c => c.Id).ToList();
            var query = _db.Set<T>().Where(e => ids.Contains(EF.Property<Guid>(e, "Id")));
            if (shape is not null) query = shape(query);
            var entities = (await query.ToListAsync(ct)).ToDictionary(idOf);
            foreach (var (id, apply) in chunk)
            {
                var entity = entities[id];
                apply(entity);
                if (appended is not null)
                    foreach (var added in appended(entity))
                        if (_db.Entry(added).State == EntityState.Detached) _db.Add(added);
            }
            _db.ChangeTracker.DetectChanges();
            await _db.SaveChangesAsync(ct);
            _db.ChangeTracker.Clear();
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Opens a sheet: reads its header and maps the columns. Null when it has no rows or lacks required columns (reported).</summary>
    private OpenSheet? Open(SheetSource source)
    {
        var spec = source.Spec;
        var rows = source.OpenRows();
        if (!rows.MoveNext())
        {
            rows.Dispose();
            return null;
        }
        var header = rows.Current;
        var index = new int[spec.Columns.Count];
        Array.Fill(index, -1);
        for (var i = 0; i < header.Cells.Length; i++)
        {
            if (header.Cells[i]?.Trim() is not { Length: > 0 } text) continue;
            if (ColumnByHeader(spec, text) is not { } column) continue; // other columns (remarks) are ignored
            var k = spec.IndexOf(column);
            if (index[k] >= 0) Errors.Add(source.Label, header.Number, column.Zh, $"列“{column.Zh}”出现了两次。 The column appears twice.");
            else index[k] = i;
        }
        var missing = spec.Columns.Where((c, k) => c.Required && index[k] < 0).ToList();
        foreach (var c in missing)
            Errors.Add(source.Label, header.Number, c.Zh, $"缺少必填列“{c.Zh}”（表头应在第一行；也可用英文列名 {c.En}）。 Missing required column {c.En}.");
        if (missing.Count > 0)
        {
            _broken.Add(spec.Kind);
            rows.Dispose();
            return null;
        }
        return new OpenSheet(this, source, index, rows, _tallies[spec.Kind]);
    }

    private void RowError(SheetSource source, int row, ColumnSpec column, string message, IRowState state)
    {
        Errors.Add(source.Label, row, column.Zh, message);
        state.Ok = false;
    }

    /// <summary>The cycle through <paramref name="start"/> as "A → B → A", or null.</summary>
    private static string? Cycle(string start, Func<string, string?> parentOf)
    {
        var path = new List<string> { start };
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        for (var c = parentOf(start); c is not null; c = parentOf(c))
        {
            path.Add(c);
            if (c == start) return string.Join(" → ", path.Count > 12 ? [.. path.Take(5), "…", .. path.TakeLast(5)] : path);
            if (!seen.Add(c)) return null; // a cycle further up that does not pass through start: reported on its own rows
        }
        return null;
    }

    private static string Duplicate(string code, int firstRow) =>
        $"代码“{code}”与第 {firstRow} 行重复。 Duplicate code (first on row {firstRow}).";

    private static string Unknown(string what, string code, string sheetEn, string en) =>
        $"{what}代码“{code}”不存在：本次导入和系统中都没有。 Unknown {en} code (not in the {sheetEn} sheet or the database).";

    // ------------------------------------------------------------------ types

    private sealed record DbCategory(Guid Id, string Code, string Name);
    private sealed record DbUnit(Guid Id, string Code, string Name, string? ShortName, string? CreditCode, Guid? ParentUnitId);
    private sealed record DbUnitCategory(Guid Id, Guid UnitId, int Year, Guid CategoryId);
    private sealed record DbSection(Guid Id, Guid UnitId, string Code, string Name, SectionKind Kind, Guid? ParentSectionId, string? Address);
    private sealed record DbItem(Guid Id, string Code, string Name, Guid? UnitId, int? Statutory, int? Promised);
    private sealed record DbStaff(Guid Id, Guid UnitId, string Code, string Name, EmploymentType Employment, Guid? SectionId, string? Position, string? Phone, string? IdNumber,
        bool Active);
    private sealed record DbLink(Guid Id, Guid SectionId, Guid ItemId, bool Mandatory);

    private interface IRowState
    {
        bool Ok { get; set; }
    }

    private sealed class CategoryRow(int row, string code) : IRowState
    {
        public int Row { get; } = row;
        public string Code { get; } = code;
        public bool Ok { get; set; }
        public Guid Id { get; set; } = Guid.NewGuid(); // a stand-in until the row proves valid: nothing is written then
        public Category? Entity { get; set; }
    }

    /// <summary>A row of a sheet whose records others refer to by code; its id exists before or after the import.</summary>
    private abstract class CodedRow<TDb, TEntity>(int row, string code) : IRowState
        where TDb : class where TEntity : class
    {
        private Guid? _standIn;
        public int Row { get; } = row;
        public string Code { get; } = code;
        public bool Ok { get; set; }
        public TDb? Existing { get; set; }
        public TEntity? Entity { get; set; }
        public bool NeedsEntity => Ok && Existing is null && Entity is null;
        // Rows with errors get a stand-in id so that rows referring to them are not also reported; nothing is written then.
        public Guid Id => Existing is not null ? ExistingId(Existing) : Entity is not null ? EntityId(Entity) : _standIn ??= Guid.NewGuid();
        protected abstract Guid ExistingId(TDb existing);
        protected abstract Guid EntityId(TEntity entity);
    }

    private sealed class UnitRow(int row, string code) : CodedRow<DbUnit, Unit>(row, code)
    {
        public string? Name { get; init; }
        public string? ShortName { get; init; }
        public string? CreditCode { get; init; }
        public string? ParentCode { get; init; }
        public bool ParentGiven { get; init; }
        public string? CategoryCode { get; init; }
        public int Year { get; set; }
        /// <summary>状态 as the file gives it (null: not given); closing or reopening is checked at the end of the run.</summary>
        public bool? Open { get; set; }
        protected override Guid ExistingId(DbUnit existing) => existing.Id;
        protected override Guid EntityId(Unit entity) => entity.Id;
    }

    private sealed class SectionRow(int row, string code) : CodedRow<DbSection, Section>(row, code)
    {
        public string? Name { get; init; }
        public string? UnitCode { get; init; }
        public Guid? UnitId { get; set; }
        public SectionKind Kind { get; set; }
        public string? ParentCode { get; init; }
        public bool ParentGiven { get; init; }
        public string? Address { get; init; }
        public bool? Open { get; set; }
        protected override Guid ExistingId(DbSection existing) => existing.Id;
        protected override Guid EntityId(Section entity) => entity.Id;
    }

    private sealed class ItemRow(int row, string code) : CodedRow<DbItem, ServiceItem>(row, code)
    {
        protected override Guid ExistingId(DbItem existing) => existing.Id;
        protected override Guid EntityId(ServiceItem entity) => entity.Id;
    }

    /// <summary>A sheet being read: its column map, its rows after the header (example rows skipped) and its tally.</summary>
    private sealed class OpenSheet(OrgImportRun run, SheetSource source, int[] index, IEnumerator<SheetRow> rows, SheetTally tally)
    {
        public Fields Fields { get; } = new(run.Errors, source, index);
        public SheetTally Tally { get; } = tally;
        private readonly Dictionary<int, SheetRow> _recent = [];

        public IEnumerable<SheetRow> Rows
        {
            get
            {
                using (rows)
                {
                    var count = 0;
                    while (rows.MoveNext())
                    {
                        var row = rows.Current;
                        if (IsExample(row)) continue;
                        if (++count > MaxRowsPerSheet)
                        {
                            run.Errors.Add(source.Label, row.Number, null, $"工作表超过 {MaxRowsPerSheet:N0} 行，未继续读取。 Too many rows.");
                            yield break;
                        }
                        Tally.Rows++;
                        if (Tally.Sample.Count < SheetTally.SampleSize && _recent.Count < 50) _recent[row.Number] = row;
                        yield return row;
                    }
                }
            }
        }

        /// <summary>Keeps the row for the preview if the sample is not full yet; phone and ID numbers masked (SEC-4).</summary>
        public void Sample(int rowNumber)
        {
            if (Tally.Sample.Count >= SheetTally.SampleSize || !_recent.Remove(rowNumber, out var row)) return;
            Tally.Sample.Add(source.Spec.Columns.Select(c =>
            {
                var value = Fields.Raw(row, c) ?? "";
                return ReferenceEquals(c, StaffColumns.Phone) ? PersonalData.MaskPhone(value)
                    : ReferenceEquals(c, StaffColumns.IdNumber) ? PersonalData.MaskIdNumber(value) : value;
            }).ToList());
            if (Tally.Sample.Count >= SheetTally.SampleSize) _recent.Clear();
        }

        private static bool IsExample(SheetRow row)
        {
            foreach (var c in row.Cells)
                if (!string.IsNullOrWhiteSpace(c)) return c.TrimStart().StartsWith(ExampleMarker, StringComparison.Ordinal);
            return false;
        }
    }

    /// <summary>Reads the fields of the current row, checking presence and length, and files errors against it.</summary>
    private sealed class Fields(ErrorLog errors, SheetSource source, int[] index)
    {
        private SheetRow _row;
        private int _errorsAtStart;
        private bool _unresolved;

        public void Begin(SheetRow row)
        {
            _row = row;
            _errorsAtStart = errors.Total;
            _unresolved = false;
        }

        /// <summary>True while no error was filed against the current row and all its references resolved.</summary>
        public bool Ok => errors.Total == _errorsAtStart && !_unresolved;

        /// <summary>
        /// A reference into a sheet that could not be read (its own errors are reported): the row cannot be
        /// imported, but a second error per row would only bury the real one.
        /// </summary>
        public void Unresolved() => _unresolved = true;

        public bool Has(ColumnSpec column) => index[source.Spec.IndexOf(column)] >= 0;

        public bool IsImprecise(ColumnSpec column) => index[source.Spec.IndexOf(column)] is var i and >= 0 && _row.IsImprecise(i);

        public string? Raw(SheetRow row, ColumnSpec column)
        {
            var i = index[source.Spec.IndexOf(column)];
            return i >= 0 && i < row.Cells.Length && row.Cells[i]?.Trim() is { Length: > 0 } v ? v : null;
        }

        public string? Optional(ColumnSpec column)
        {
            var value = Raw(_row, column);
            if (value is not null && value.Length > column.MaxLength)
                Error(column, $"“{column.Zh}”最多 {column.MaxLength} 个字符，实为 {value.Length} 个。 Too long (at most {column.MaxLength}).");
            return value;
        }

        public string? Required(ColumnSpec column)
        {
            var value = Optional(column);
            if (value is null) Error(column, $"“{column.Zh}”为必填项。 Required.");
            return value;
        }

        public void Error(ColumnSpec column, string message) => errors.Add(source.Label, _row.Number, column.Zh, message);
    }
}
