using Microsoft.AspNetCore.Hosting;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>The notice period the Office configured is what its issue form offers (RCT-2), not a fixed 10 working days.</summary>
public sealed class RectificationSettingsTests(RectificationSettingsTests.FifteenDaysApp app) : IClassFixture<RectificationSettingsTests.FifteenDaysApp>
{
    public sealed class FifteenDaysApp : MingchaApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:Rectification:NoticeWorkingDays", "15");
        }
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task IssueForm_OffersTheConfiguredNoticePeriod()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var page = await office.GetStringAsync("/Rectification");
        Assert.Matches("<input[^>]*name=\"Issue.WorkingDays\"[^>]*value=\"15\"|<input[^>]*value=\"15\"[^>]*name=\"Issue.WorkingDays\"", page);
    }
}
