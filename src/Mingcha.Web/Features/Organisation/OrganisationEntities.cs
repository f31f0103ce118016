using Mingcha.Domain.Identifiers;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Organisation;

/// <summary>One state of a registry record (unit, section, staff member, category) from <see cref="ValidFrom"/> until the next one (ORG-1).</summary>
public interface IOrgVersion
{
    DateTime ValidFrom { get; }
}

/// <summary>
/// A group of units ranked separately (S4: 行政执法类, 综合管理类). Rule ORG-1. Renames append a <see cref="CategoryVersion"/>,
/// so a past year's ranking can be read with the category's name as it was then.
/// </summary>
public sealed class Category : IAudited
{
    private Category() { Code = ""; Name = ""; }
    public Category(string code, string name, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Code = code; Name = name;
        Versions.Add(new CategoryVersion(Id, nowUtc, code, name));
    }
    public Guid Id { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    public bool IsDemo { get; internal set; }
    public List<CategoryVersion> Versions { get; } = [];

    /// <summary>Renames the category; the old name stays in its history (ORG-1).</summary>
    public void Rename(string name, DateTime nowUtc)
    {
        if (name == Name) return;
        Name = name;
        if (Versions.FindLast(v => v.ValidFrom == nowUtc) is { } same) same.Become(Code, Name);
        else Versions.Add(new CategoryVersion(Id, nowUtc, Code, Name));
    }
}

/// <summary>One state of a category from <see cref="ValidFrom"/> until the next version (ORG-1).</summary>
public sealed class CategoryVersion : IOrgVersion
{
    /// <summary>
    /// The time given to the one version migration 0034 wrote for each category that existed before categories kept
    /// history: the state then known holds for every earlier record (decision 026).
    /// </summary>
    public static readonly DateTime Backfilled = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private CategoryVersion() { Code = ""; Name = ""; }
    public CategoryVersion(Guid categoryId, DateTime validFrom, string code, string name)
    { Id = Guid.CreateVersion7(); CategoryId = categoryId; ValidFrom = validFrom; Code = code; Name = name; }
    public Guid Id { get; private set; }
    public Guid CategoryId { get; private set; }
    public DateTime ValidFrom { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }

    internal void Become(string code, string name) { Code = code; Name = name; }
}

/// <summary>What a section is: the thing that is evaluated (glossary: Section).</summary>
public enum SectionKind
{
    /// <summary>内设科室</summary>
    InternalSection,
    /// <summary>二级单位</summary>
    SecondaryUnit,
    /// <summary>服务大厅</summary>
    ServiceHall,
    /// <summary>窗口</summary>
    Window,
    /// <summary>乡镇服务网点</summary>
    TownshipOutlet,
    /// <summary>街道服务网点</summary>
    StreetOutlet,
}

/// <summary>ORG-2: in-service, seconded/borrowed and contracted staff can all be the subject of a finding.</summary>
public enum EmploymentType
{
    /// <summary>在编在岗</summary>
    InService,
    /// <summary>借调/抽调</summary>
    Seconded,
    /// <summary>合同制/聘用</summary>
    Contracted,
}

/// <summary>
/// A department or agency under supervision. The Id is stable for life; renames and moves append a
/// <see cref="UnitVersion"/> so that a finding of 2025 can still show the unit as it was (ORG-1).
/// </summary>
public sealed class Unit : IAudited
{
    private Unit() { Code = ""; Name = ""; }
    public Unit(string code, string name, DateTime nowUtc, Guid? parentUnitId = null)
    {
        Id = Guid.CreateVersion7();
        Code = code;
        Name = name;
        ParentUnitId = parentUnitId;
        CreatedAt = nowUtc;
        Versions.Add(new UnitVersion(Id, nowUtc, code, name, parentUnitId));
    }
    public Guid Id { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    public string? ShortName { get; set; }
    /// <summary>统一社会信用代码 (GB 32100), checked on entry.</summary>
    public string? CreditCode { get; set; }
    public Guid? ParentUnitId { get; private set; }
    public bool Active { get; private set; } = true;
    public bool IsDemo { get; internal set; }
    public DateTime CreatedAt { get; private set; }
    public List<UnitVersion> Versions { get; } = [];

    /// <summary>Renames the unit; the old name stays in its history (ORG-1).</summary>
    public void Rename(string name, DateTime nowUtc)
    {
        if (name == Name) return;
        Name = name;
        Record(nowUtc);
    }

    /// <summary>Moves the unit under another parent; the old parent stays in its history (ORG-1).</summary>
    public void MoveTo(Guid? parentUnitId, DateTime nowUtc)
    {
        if (parentUnitId == ParentUnitId) return;
        if (parentUnitId == Id) throw new DomainRuleException("ORG-1", "单位不能隶属于自身。 A unit cannot be its own parent.");
        ParentUnitId = parentUnitId;
        Record(nowUtc);
    }

    /// <summary>
    /// 撤销 (ORG-1): the unit is closed (abolished, merged into another); it stays in the registry and in every record that
    /// names it, and its history keeps from when. The caller checks that nothing of it is still open (its sections, staff
    /// in post, sub-units).
    /// </summary>
    public void Close(DateTime nowUtc)
    {
        if (!Active) return;
        Active = false;
        Record(nowUtc);
    }

    /// <summary>Open again (a closure recorded by mistake, a unit re-established); the history keeps both.</summary>
    public void Reopen(DateTime nowUtc)
    {
        if (Active) return;
        Active = true;
        Record(nowUtc);
    }

    /// <summary>
    /// The unit's state from <paramref name="nowUtc"/> on. One version per instant: a rename and a move made together
    /// are one change, so no date shows the half-made state between them (ORG-1).
    /// </summary>
    private void Record(DateTime nowUtc)
    {
        if (Versions.FindLast(v => v.ValidFrom == nowUtc) is { } same) same.Become(Code, Name, ParentUnitId, Active);
        else Versions.Add(new UnitVersion(Id, nowUtc, Code, Name, ParentUnitId, Active));
    }
}

/// <summary>One state of a unit from <see cref="ValidFrom"/> until the next version.</summary>
public sealed class UnitVersion : IOrgVersion
{
    private UnitVersion() { Code = ""; Name = ""; }
    public UnitVersion(Guid unitId, DateTime validFrom, string code, string name, Guid? parentUnitId, bool active = true)
    { Id = Guid.CreateVersion7(); UnitId = unitId; ValidFrom = validFrom; Code = code; Name = name; ParentUnitId = parentUnitId; Active = active; }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public DateTime ValidFrom { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    public Guid? ParentUnitId { get; private set; }
    /// <summary>Open (true) or closed (撤销) from <see cref="ValidFrom"/> (migration 0057: every earlier version was open).</summary>
    public bool Active { get; private set; } = true;

    internal void Become(string code, string name, Guid? parentUnitId, bool active) { Code = code; Name = name; ParentUnitId = parentUnitId; Active = active; }
}

/// <summary>ORG-1: a unit belongs to exactly one category per evaluation year.</summary>
public sealed class UnitCategory : IAudited
{
    private UnitCategory() { }
    public UnitCategory(Guid unitId, int year, Guid categoryId) { Id = Guid.CreateVersion7(); UnitId = unitId; Year = year; CategoryId = categoryId; }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public int Year { get; private set; }
    public Guid CategoryId { get; private set; }
    public void Reassign(Guid categoryId) => CategoryId = categoryId;
}

/// <summary>A sub-unit: internal section, window, service hall, township or street outlet (ORG-1).</summary>
public sealed class Section : IAudited
{
    private Section() { Code = ""; Name = ""; }
    public Section(Guid unitId, string code, string name, SectionKind kind, DateTime nowUtc, Guid? parentSectionId = null)
    {
        Id = Guid.CreateVersion7();
        UnitId = unitId; Code = code; Name = name; Kind = kind; ParentSectionId = parentSectionId; CreatedAt = nowUtc;
        Versions.Add(new SectionVersion(Id, nowUtc, unitId, code, name, kind));
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    /// <summary>A window's service hall, for example.</summary>
    public Guid? ParentSectionId { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    public SectionKind Kind { get; private set; }
    public string? Address { get; set; }
    public bool Active { get; private set; } = true;
    public bool IsDemo { get; internal set; }
    public DateTime CreatedAt { get; private set; }
    public List<SectionVersion> Versions { get; } = [];

    /// <summary>Renames the section; older records keep pointing at the same Id and show the old name as of their date.</summary>
    public void Rename(string name, DateTime nowUtc)
    {
        if (name == Name) return;
        Name = name;
        Record(nowUtc);
    }

    /// <summary>
    /// Moves the section to another unit (ORG-1: sections belong to one unit at a time). It leaves its parent section,
    /// which stays in the old unit; the sections below it and its staff go with it (<see cref="MoveWithParent"/>,
    /// <see cref="Staff.MoveWithSection"/>, decision 026).
    /// </summary>
    public void MoveTo(Guid unitId, DateTime nowUtc)
    {
        if (unitId == UnitId) return;
        UnitId = unitId;
        ParentSectionId = null;
        Record(nowUtc);
    }

    /// <summary>Goes with the section above it to another unit and stays under it (a window with its hall, decision 026).</summary>
    public void MoveWithParent(Guid unitId, DateTime nowUtc)
    {
        if (unitId == UnitId) return;
        UnitId = unitId;
        Record(nowUtc);
    }

    /// <summary>Changes what the section is (a window becomes a hall); the old kind stays in its history (ORG-1).</summary>
    public void Reclassify(SectionKind kind, DateTime nowUtc)
    {
        if (kind == Kind) return;
        Kind = kind;
        Record(nowUtc);
    }

    /// <summary>Places the section under another section of its unit (a window under its hall), or at the top with null.</summary>
    public void PlaceUnder(Guid? parentSectionId)
    {
        if (parentSectionId == Id) throw new DomainRuleException("ORG-1", "科室不能隶属于自身。 A section cannot be its own parent.");
        ParentSectionId = parentSectionId;
    }

    /// <summary>
    /// 撤销 (ORG-1): the section, window or outlet is closed (taken out of the hall, merged); it stays in the registry and in
    /// every record that names it, its history keeps from when, and ratings, cases and its public page refuse it from then
    /// on. The caller checks that nothing of it is still open (the sections below it, staff in post).
    /// </summary>
    public void Close(DateTime nowUtc)
    {
        if (!Active) return;
        Active = false;
        Record(nowUtc);
    }

    /// <summary>Open again; the history keeps both.</summary>
    public void Reopen(DateTime nowUtc)
    {
        if (Active) return;
        Active = true;
        Record(nowUtc);
    }

    /// <summary>The section's state from <paramref name="nowUtc"/> on; one version per instant, as for units (ORG-1).</summary>
    private void Record(DateTime nowUtc)
    {
        if (Versions.FindLast(v => v.ValidFrom == nowUtc) is { } same) same.Become(UnitId, Code, Name, Kind, Active);
        else Versions.Add(new SectionVersion(Id, nowUtc, UnitId, Code, Name, Kind, Active));
    }
}

public sealed class SectionVersion : IOrgVersion
{
    private SectionVersion() { Code = ""; Name = ""; }
    public SectionVersion(Guid sectionId, DateTime validFrom, Guid unitId, string code, string name, SectionKind kind, bool active = true)
    { Id = Guid.CreateVersion7(); SectionId = sectionId; ValidFrom = validFrom; UnitId = unitId; Code = code; Name = name; Kind = kind; Active = active; }
    public Guid Id { get; private set; }
    public Guid SectionId { get; private set; }
    public DateTime ValidFrom { get; private set; }
    public Guid UnitId { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    public SectionKind Kind { get; private set; }
    /// <summary>Open (true) or closed (撤销) from <see cref="ValidFrom"/> (migration 0057: every earlier version was open).</summary>
    public bool Active { get; private set; } = true;

    internal void Become(Guid unitId, string code, string name, SectionKind kind, bool active) { UnitId = unitId; Code = code; Name = name; Kind = kind; Active = active; }
}

/// <summary>
/// A person working in a unit (ORG-2). Renames, a new employment type, section or position, and a move with their section
/// append a <see cref="StaffVersion"/>, so a finding of 2025 can still show the person as they were (ORG-1). Contact
/// details are personal data (SEC-4) and are not kept in the history.
/// </summary>
public sealed class Staff : IAudited
{
    private Staff() { Code = ""; Name = ""; }
    public Staff(Guid unitId, string code, string name, EmploymentType employment, DateTime nowUtc, Guid? sectionId = null, string? position = null)
    {
        Id = Guid.CreateVersion7(); UnitId = unitId; Code = code; Name = name; Employment = employment; SectionId = sectionId; Position = position;
        Versions.Add(new StaffVersion(Id, nowUtc, unitId, sectionId, code, name, employment, position));
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? SectionId { get; private set; }
    /// <summary>工号: unique within the unit.</summary>
    public string Code { get; private set; }
    public string Name { get; private set; }
    public EmploymentType Employment { get; private set; }
    public string? Position { get; private set; }
    [Personal(PersonalKind.Phone)]
    public string? Phone { get; set; }
    /// <summary>Resident ID number (GB 11643); personal data, shown masked (SEC-4).</summary>
    [Personal(PersonalKind.IdNumber)]
    public string? IdNumber { get; set; }
    public bool Active { get; set; } = true;
    public bool IsDemo { get; internal set; }
    public List<StaffVersion> Versions { get; } = [];

    /// <summary>Renames the person; older records keep pointing at the same Id and show the old name as of their date (ORG-1).</summary>
    public void Rename(string name, DateTime nowUtc)
    {
        if (name == Name) return;
        Name = name;
        Record(nowUtc);
    }

    /// <summary>ORG-2: in service, seconded or contracted; the old type stays in the history.</summary>
    public void ChangeEmployment(EmploymentType employment, DateTime nowUtc)
    {
        if (employment == Employment) return;
        Employment = employment;
        Record(nowUtc);
    }

    /// <summary>Assigns the person to another section of their unit, or to none; callers check that the section is the unit's.</summary>
    public void AssignTo(Guid? sectionId, DateTime nowUtc)
    {
        if (sectionId == SectionId) return;
        SectionId = sectionId;
        Record(nowUtc);
    }

    public void ChangePosition(string? position, DateTime nowUtc)
    {
        if (position == Position) return;
        Position = position;
        Record(nowUtc);
    }

    /// <summary>Goes with their section when it moves to another unit, keeping the section (decision 026).</summary>
    public void MoveWithSection(Guid unitId, DateTime nowUtc)
    {
        if (unitId == UnitId) return;
        UnitId = unitId;
        Record(nowUtc);
    }

    /// <summary>
    /// 离岗: the person leaves the post (resigned, retired, transferred out). They stay in the registry, and in every record
    /// that names them; from <paramref name="nowUtc"/> on they are no longer offered for new records, counted among the
    /// unit's staff or given the year's badge. The history keeps when (ORG-1).
    /// </summary>
    public void Leave(DateTime nowUtc)
    {
        if (!Active) return;
        Active = false;
        Record(nowUtc);
    }

    /// <summary>Back in post (返岗) after a departure recorded by mistake or a return; the history keeps both.</summary>
    public void Return(DateTime nowUtc)
    {
        if (Active) return;
        Active = true;
        Record(nowUtc);
    }

    /// <summary>The person's state from <paramref name="nowUtc"/> on; one version per instant, as for units and sections (ORG-1).</summary>
    private void Record(DateTime nowUtc)
    {
        if (Versions.FindLast(v => v.ValidFrom == nowUtc) is { } same) same.Become(UnitId, SectionId, Code, Name, Employment, Position, Active);
        else Versions.Add(new StaffVersion(Id, nowUtc, UnitId, SectionId, Code, Name, Employment, Position, Active));
    }
}

/// <summary>One state of a staff member from <see cref="ValidFrom"/> until the next version (ORG-1).</summary>
public sealed class StaffVersion : IOrgVersion
{
    /// <summary>
    /// The time given to the one version migration 0034 wrote for each person who existed before staff kept history:
    /// the state then known holds for every earlier record (decision 026).
    /// </summary>
    public static readonly DateTime Backfilled = CategoryVersion.Backfilled;

    private StaffVersion() { Code = ""; Name = ""; }
    public StaffVersion(Guid staffId, DateTime validFrom, Guid unitId, Guid? sectionId, string code, string name, EmploymentType employment, string? position,
        bool active = true)
    {
        Id = Guid.CreateVersion7(); StaffId = staffId; ValidFrom = validFrom;
        UnitId = unitId; SectionId = sectionId; Code = code; Name = name; Employment = employment; Position = position; Active = active;
    }
    public Guid Id { get; private set; }
    public Guid StaffId { get; private set; }
    public DateTime ValidFrom { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? SectionId { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    public EmploymentType Employment { get; private set; }
    public string? Position { get; private set; }
    /// <summary>In post (false from the person's departure on, migration 0056; versions before it were all in post).</summary>
    public bool Active { get; private set; } = true;

    internal void Become(Guid unitId, Guid? sectionId, string code, string name, EmploymentType employment, string? position, bool active)
    { UnitId = unitId; SectionId = sectionId; Code = code; Name = name; Employment = employment; Position = position; Active = active; }
}

public enum SupervisorStatus
{
    /// <summary>recommended by a department, not yet approved</summary>
    Recommended,
    /// <summary>approved by the Office</summary>
    Approved,
    /// <summary>withdrawn</summary>
    Withdrawn,
}

/// <summary>An efficiency supervisor, recruited on a department's recommendation and approved by the Office (ORG-3).</summary>
public sealed class Supervisor : IAudited
{
    private Supervisor() { Code = ""; Name = ""; }
    public Supervisor(string code, string name, Guid? recommendedByUnitId)
    { Id = Guid.CreateVersion7(); Code = code; Name = name; RecommendedByUnitId = recommendedByUnitId; Status = SupervisorStatus.Recommended; }
    public Guid Id { get; private set; }
    public string Code { get; private set; }
    public string Name { get; set; }
    [Personal(PersonalKind.Phone)]
    public string? Phone { get; set; }
    public Guid? RecommendedByUnitId { get; private set; }
    public SupervisorStatus Status { get; private set; }
    public DateTime? ApprovedAt { get; private set; }
    /// <summary>The account the supervisor signs in with, if any.</summary>
    public string? UserId { get; set; }
    public bool IsDemo { get; internal set; }

    /// <summary>ORG-3: the Office approves a recommended supervisor.</summary>
    public void Approve(DateTime nowUtc)
    {
        if (Status != SupervisorStatus.Recommended)
            throw new DomainRuleException("ORG-3", "只能批准处于“推荐”状态的监督员。 Only a recommended supervisor can be approved.");
        Status = SupervisorStatus.Approved;
        ApprovedAt = nowUtc;
    }

    public void Withdraw() => Status = SupervisorStatus.Withdrawn;
}

/// <summary>A team of supervisors for one task, led by one of them (ORG-3).</summary>
public sealed class Team : IAudited
{
    private Team() { Name = ""; }
    public Team(string name, string? task, DateTime nowUtc) { Id = Guid.CreateVersion7(); Name = name; Task = task; CreatedAt = nowUtc; }
    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public string? Task { get; private set; }
    public Guid? LeaderId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public bool IsDemo { get; internal set; }
    public List<TeamMember> Members { get; } = [];

    /// <summary>ORG-3: only approved supervisors join a team; the leader is one of its members.</summary>
    public void SetMembers(IReadOnlyCollection<Supervisor> members, Guid leaderId)
    {
        if (members.Count == 0)
            throw new DomainRuleException("ORG-3", "督查组至少需要一名监督员。 A team needs at least one supervisor.");
        var notApproved = members.FirstOrDefault(m => m.Status != SupervisorStatus.Approved);
        if (notApproved is not null)
            throw new DomainRuleException("ORG-3", $"监督员“{notApproved.Name}”尚未获批准，不能编入督查组。 Supervisor {notApproved.Code} is not approved.");
        if (members.All(m => m.Id != leaderId))
            throw new DomainRuleException("ORG-3", "组长必须是督查组成员。 The team leader must be a member of the team.");
        Members.Clear();
        Members.AddRange(members.Select(m => new TeamMember(Id, m.Id)));
        LeaderId = leaderId;
    }
}

public sealed class TeamMember
{
    private TeamMember() { }
    public TeamMember(Guid teamId, Guid supervisorId) { TeamId = teamId; SupervisorId = supervisorId; }
    public Guid TeamId { get; private set; }
    public Guid SupervisorId { get; private set; }
}

/// <summary>A third-party covert-visit agency under contract (ORG-4). Its workflows come with the inspections module.</summary>
public sealed class Agency : IAudited
{
    private Agency() { Name = ""; }
    public Agency(string name, DateOnly contractStart, DateOnly contractEnd)
    {
        if (contractEnd < contractStart)
            throw new DomainRuleException("ORG-4", "合同结束日期早于开始日期。 The contract ends before it starts.");
        Id = Guid.CreateVersion7(); Name = name; ContractStart = contractStart; ContractEnd = contractEnd;
    }
    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public string? CreditCode { get; set; }
    public DateOnly ContractStart { get; private set; }
    public DateOnly ContractEnd { get; private set; }
    public string? ContactPerson { get; set; }
    [Personal(PersonalKind.Phone)]
    public string? ContactPhone { get; set; }
    public bool IsDemo { get; internal set; }
    public bool IsUnderContract(DateOnly day) => day >= ContractStart && day <= ContractEnd;
}

/// <summary>A service the public can obtain (事项), ORG-6.</summary>
public sealed class ServiceItem : IAudited
{
    private ServiceItem() { Code = ""; Name = ""; }
    public ServiceItem(string code, string name, Guid? unitId, int? statutoryDays, int? promisedDays)
    {
        // INS-14 (time-limited handling): the committed time is never longer than the statutory one.
        if (statutoryDays is not null && promisedDays is not null && promisedDays > statutoryDays)
            throw new DomainRuleException("INS-14", "承诺时限不得长于法定时限。 The promised time limit may not exceed the statutory one.");
        Id = Guid.CreateVersion7(); Code = code; Name = name; UnitId = unitId; StatutoryDays = statutoryDays; PromisedDays = promisedDays;
    }
    public Guid Id { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    /// <summary>The unit responsible for the item.</summary>
    public Guid? UnitId { get; private set; }
    /// <summary>法定时限 in working days.</summary>
    public int? StatutoryDays { get; private set; }
    /// <summary>承诺时限 in working days.</summary>
    public int? PromisedDays { get; private set; }
    public bool IsDemo { get; internal set; }

    /// <summary>Corrects the catalogue entry; the same INS-14 check as on creation.</summary>
    public void Update(string name, Guid? unitId, int? statutoryDays, int? promisedDays)
    {
        if (statutoryDays is not null && promisedDays is not null && promisedDays > statutoryDays)
            throw new DomainRuleException("INS-14", "承诺时限不得长于法定时限。 The promised time limit may not exceed the statutory one.");
        Name = name; UnitId = unitId; StatutoryDays = statutoryDays; PromisedDays = promisedDays;
    }
}

/// <summary>ORG-6: an outlet offers a set of service items, each mandatory or optional for its kind of outlet.</summary>
public sealed class SectionServiceItem : IAudited
{
    private SectionServiceItem() { }
    public SectionServiceItem(Guid sectionId, Guid serviceItemId, bool mandatory)
    { Id = Guid.CreateVersion7(); SectionId = sectionId; ServiceItemId = serviceItemId; Mandatory = mandatory; }
    public Guid Id { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid ServiceItemId { get; private set; }
    public bool Mandatory { get; set; }
}
