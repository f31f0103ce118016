using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Pages.Org;

/// <summary>Display names of the organisation enums, through the shared resource (keys are the Chinese names).</summary>
public static class OrgText
{
    public static string Kind(IStringLocalizer l, SectionKind kind) => kind switch
    {
        SectionKind.InternalSection => l["内设科室"],
        SectionKind.SecondaryUnit => l["二级单位"],
        SectionKind.ServiceHall => l["服务大厅"],
        SectionKind.Window => l["窗口"],
        SectionKind.TownshipOutlet => l["乡镇服务网点"],
        SectionKind.StreetOutlet => l["街道服务网点"],
        _ => kind.ToString(),
    };

    public static string Employment(IStringLocalizer l, EmploymentType type) => type switch
    {
        EmploymentType.InService => l["在编在岗"],
        EmploymentType.Seconded => l["借调/抽调"],
        EmploymentType.Contracted => l["合同制/聘用"],
        _ => type.ToString(),
    };

    public static string Status(IStringLocalizer l, SupervisorStatus status) => status switch
    {
        SupervisorStatus.Recommended => l["待批准"],
        SupervisorStatus.Approved => l["已批准"],
        SupervisorStatus.Withdrawn => l["已撤回"],
        _ => status.ToString(),
    };
}
