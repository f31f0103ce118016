using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>Units with a window, complaints filed through the API, and the people who handle them.</summary>
internal sealed class ComplaintKit(MingchaApp app, HttpClient office)
{
    private HttpClient office = office;
    public InspectionKit Org { get; } = new(app, office);
    public HttpClient Office => office;

    /// <summary>Moves the app's clock; sessions older than their lifetime end, so the Office signs in again.</summary>
    public async Task AtAsync(DateTimeOffset when)
    {
        app.Clock.Set(when);
        office = await app.ClientAsAsync(Mingcha.Domain.Security.Roles.OfficeStaff);
    }

    public sealed record Filed(Guid Id, string Number, string? QueryCode, string Kind, bool Created, List<Dup> LikelyDuplicates);
    public sealed record Dup(Guid Id, string Number, string Status, DateOnly ReceivedOn);
    public sealed record PublicFiled(string Number, string QueryCode, string Kind);
    public sealed record Assigned(DateOnly LastDay);

    public async Task<(Guid Unit, Guid Section)> UnitAsync(string name = "市场监管局")
    {
        var unit = await Org.UnitAsync(name + Guid.NewGuid().ToString("N")[..4]);
        return (unit, await Org.SectionAsync(unit, "登记窗口"));
    }

    public static object Body(Guid unit, string matter = "营业执照办理超时", string phone = "13812345678", string? name = "王五", bool anonymous = false,
        bool hasInterest = true, string channel = "ComplaintHotline", string type = "SlowHandling", string? receivedAt = null, string? ticket = null) => new
    {
        channel, type, unitId = unit, staffNamed = "李科员", matter, reasons = "超过承诺时限五天仍未办结，窗口人员推说系统故障。", evidenceNote = "受理回执照片",
        name, phone, anonymous, hasInterest, receivedAt = receivedAt ?? "2026-11-16T01:30:00Z", ticketNumber = ticket,
    };

    public async Task<Filed> FileAsync(object body) =>
        await (await office.PostJsonAsync("/api/v1/complaints", body)).ReadAsync<Filed>(HttpStatusCode.Created);

    public async Task<PublicFiled> PublicAsync(Guid unit, string ip = "203.0.113.9", string matter = "不动产登记多次往返", bool anonymous = false)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        return await (await client.PostJsonAsync("/api/v1/public/complaints", new
        {
            type = "BuckPassing", unitId = unit, matter, reasons = "三次往返仍未受理。", evidenceNote = "受理回执", name = anonymous ? null : "钱七",
            phone = anonymous ? null : "13712345678", anonymous, hasInterest = true,
        })).ReadAsync<PublicFiled>(HttpStatusCode.Created);
    }

    public async Task<DateOnly> AssignAsync(Guid id, Guid? unit = null)
    {
        unit ??= (await DetailAsync(id)).GetProperty("unitId").GetGuid();
        return (await (await office.PostJsonAsync($"/api/v1/complaints/{id}/assign", new { unitId = unit, note = "请核查" })).ReadAsync<Assigned>()).LastDay;
    }

    public async Task<HttpClient> LiaisonAsync(Guid unit) => await app.ClientAsAsync(Mingcha.Domain.Security.Roles.UnitLiaison, unit);

    public async Task<HttpClient> HotlineAsync(Guid unit)
    {
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("12345 " + Guid.NewGuid().ToString("N")[..6], ["complaints:write"], unit, null), "test", sp.GetRequiredService<MingchaDb>(), TimeProvider.System, default));
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);
        return client;
    }

    public static async Task<JsonElement> JsonAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var r = await client.GetAsync(path);
        await r.ExpectAsync(expected);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public Task<JsonElement> DetailAsync(Guid id, HttpClient? client = null) => JsonAsync(client ?? office, $"/api/v1/complaints/{id}");
}
