using System.Net;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>
/// The results' tests' common ground (EV-5, EV-8): a campaign over a category of its own, each of its sections graded once
/// at a concentrated evaluation on 2026-11-16, then closed (and, if asked, published), made by the Office over HTTP.
/// </summary>
internal static class GradedCampaign
{
    private sealed record Created(Guid Id);

    /// <summary>A section to make: its unit's name, its code and name, and the grade it gets (Excellent, Good, Fair, Poor).</summary>
    public sealed record Graded(string Unit, string Code, string Name, string Grade);

    /// <summary>What <see cref="CloseAsync"/> made: the campaign, and the units and sections by the names and codes given.</summary>
    public sealed record Made(Guid Campaign, Guid Category, IReadOnlyDictionary<string, Guid> Units, IReadOnlyDictionary<string, Guid> Sections);

    /// <summary>
    /// A fresh tag ends every code and name, so the campaign's category holds these sections only. <paramref name="prefix"/>
    /// starts the codes, <paramref name="name"/> the category's and campaign's names; <paramref name="rules"/> are the
    /// campaign's ranking rules as the API takes them.
    /// </summary>
    public static async Task<Made> CloseAsync(HttpClient office, string prefix, string name, object rules, IReadOnlyList<Graded> sections, bool publish = false)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        async Task<Guid> CreateAsync(string path, object body) => (await (await office.PostJsonAsync(path, body)).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var cat = await CreateAsync("/api/v1/categories", new { code = $"{prefix}-{tag}", name = $"{name}类{tag}" });
        var units = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var made = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var s in sections)
        {
            if (!units.TryGetValue(s.Unit, out var unit))
                units[s.Unit] = unit = await CreateAsync("/api/v1/units", new { code = $"{prefix}-u{units.Count + 1}-{tag}", name = s.Unit + tag, categoryId = cat, year = 2026 });
            made[s.Code] = await CreateAsync("/api/v1/sections", new { unitId = unit, code = $"{s.Code}-{tag}", name = s.Name, kind = "InternalSection" });
        }
        var campaign = await CreateAsync("/api/v1/scoring/campaigns", new { year = 2026, name = $"{name}测评{tag}", from = "2026-01-01", to = "2026-12-31", rules });
        var path = $"/api/v1/scoring/campaigns/{campaign}";
        await (await office.PutJsonAsync($"{path}/sections", new { categoryIds = new[] { cat } })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"{path}/open", null)).ExpectAsync(HttpStatusCode.OK);
        foreach (var s in sections)
            await (await office.PostJsonAsync($"{path}/evaluations", new { sectionId = made[s.Code], method = "Concentrated", grade = s.Grade, on = "2026-11-16" }))
                .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"{path}/close", null)).ExpectAsync(HttpStatusCode.OK);
        if (publish) await (await office.PostAsync($"{path}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        return new Made(campaign, cat, units, made);
    }
}
