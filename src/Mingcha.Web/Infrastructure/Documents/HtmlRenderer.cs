using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Mingcha.Domain.Documents;
using L = Mingcha.Domain.Documents.Gbt9704Layout;

namespace Mingcha.Web.Infrastructure.Documents;

/// <summary>
/// The HTML rendition of an official document with print CSS of the GB/T 9704 layout (A4, 37/26/35/28 mm margins,
/// a 28.95 pt line pitch, page numbers "— n —" outside in @page margin boxes), printed to PDF by headless Chromium.
/// The customary font names come first, then the Noto CJK fonts that Debian's fonts-noto-cjk installs.
/// </summary>
public static class HtmlRenderer
{
    private static readonly HtmlEncoder Enc = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public const string XiaoBiaoSong = "\"方正小标宋简体\", \"FZXiaoBiaoSong-B05S\", \"Noto Serif CJK SC\", \"Noto Serif CJK\", serif";
    public const string FangSong = "\"仿宋_GB2312\", \"仿宋\", \"FangSong\", \"Noto Serif CJK SC\", \"Noto Serif CJK\", serif";
    public const string HeiTi = "\"黑体\", \"SimHei\", \"Noto Sans CJK SC\", \"Noto Sans CJK\", sans-serif";
    public const string KaiTi = "\"楷体_GB2312\", \"楷体\", \"KaiTi\", \"AR PL UKai CN\", \"LXGW WenKai\", \"Noto Serif CJK SC\", serif";
    public const string SongTi = "\"宋体\", \"SimSun\", \"Noto Serif CJK SC\", \"Noto Serif CJK\", serif";

    public static string Render(RenderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var c = request.Content;
        var pitch = Px(PitchPx);
        var mastheadPt = L.MastheadSizePt(c.Masthead);
        var sb = new StringBuilder(4096);
        sb.Append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>").Append(E(c.Title)).Append("</title><style>");
        sb.Append(CultureInfo.InvariantCulture, $$"""
            @page { size: A4; margin: {{L.TopMarginMm}}mm {{L.RightMarginMm}}mm {{L.BottomMarginMm}}mm {{L.LeftMarginMm}}mm; }
            @page :right { @bottom-right { content: "— " counter(page) " —"; font: {{L.Size4Pt}}pt {{SongTi}}; vertical-align: top; padding-top: {{L.PageNumberBelowTextMm}}mm; padding-right: {{L.Size4Pt}}pt; } }
            @page :left { @bottom-left { content: "— " counter(page) " —"; font: {{L.Size4Pt}}pt {{SongTi}}; vertical-align: top; padding-top: {{L.PageNumberBelowTextMm}}mm; padding-left: {{L.Size4Pt}}pt; } }
            html, body { margin: 0; padding: 0; }
            body { font-family: {{FangSong}}; font-size: {{L.Size3Pt}}pt; line-height: {{pitch}}; color: #000; width: {{L.TextWidthMm}}mm; orphans: 1; widows: 1; }
            @media screen { body { margin: 12mm auto; padding: {{L.TopMarginMm}}mm {{L.RightMarginMm}}mm {{L.BottomMarginMm}}mm {{L.LeftMarginMm}}mm; box-shadow: 0 0 4mm #999; background: #fff; } html { background: #eee; } }
            p { margin: 0; text-align: justify; }
            .head { padding-top: {{L.MastheadTopMm}}mm; }
            .masthead { font-family: {{XiaoBiaoSong}}; color: #{{L.RedHex}}; text-align: center; font-size: {{mastheadPt}}pt; line-height: 1.2; white-space: nowrap; }
            .number { text-align: center; padding-top: calc(2 * {{pitch}}); padding-bottom: {{L.RedLineBelowNumberMm}}mm; border-bottom: 1.5pt solid #{{L.RedHex}}; }
            .number.upward { display: flex; justify-content: space-between; padding-left: 1em; padding-right: 1em; }
            .signer { font-family: {{KaiTi}}; }
            .title { font-family: {{XiaoBiaoSong}}; font-size: {{L.Size2Pt}}pt; text-align: center; padding-top: {{pitch}}; }
            .addressees { margin-top: {{pitch}}; }
            .indent { text-indent: 2em; }
            .h1 { font-family: {{HeiTi}}; } .h2 { font-family: {{KaiTi}}; } .h3 { font-weight: bold; }
            h1, h2, h3, h4 { font-size: inherit; font-weight: normal; margin: 0; text-indent: 2em; break-after: avoid; }
            h3 { font-weight: bold; }
            .table-block { break-inside: avoid; }
            table.data { width: 100%; border-collapse: collapse; font-size: {{L.Size4Pt}}pt; line-height: 1.4; margin: 0; }
            table.data th, table.data td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: middle; }
            table.data th { font-family: {{HeiTi}}; font-weight: normal; }
            table.data thead { display: table-header-group; }
            table.data tr { break-inside: avoid; }
            .caption { text-align: center; font-size: {{L.Size4Pt}}pt; }
            .table-caption { font-family: {{HeiTi}}; }
            figure { margin: 0; padding-top: 4pt; text-align: center; break-inside: avoid; }
            figure img { max-width: 100%; max-height: 120mm; }
            figcaption { font-family: {{KaiTi}}; font-size: {{L.Size4Pt}}pt; text-align: center; }
            .attachments { margin-top: {{pitch}}; }
            .attachments p { padding-left: 5em; text-indent: -3em; }
            .attachments p + p { text-indent: 0; }
            .signature { margin-top: {{pitch}}; } /* §7.3.5.2: one blank line below the body (no seal) */
            .signature p { text-align: right; }
            .note { margin-top: 0; text-indent: 2em; } /* §7.3.6: the line directly below the date */
            .distribution { width: 100%; border-top: 1pt solid #000; border-bottom: 1pt solid #000; font-size: {{L.Size4Pt}}pt; break-inside: avoid; }
            .distribution .row { display: flex; justify-content: space-between; padding: 0 1em; line-height: {{pitch}}; }
            .distribution .row + .row { border-top: 0.75pt solid #000; }
            .distribution .copy { padding-left: 4em; text-indent: -3em; }
            .draft { position: fixed; top: 40%; left: 0; width: 100%; text-align: center; font-size: 120pt; color: rgba(160,160,160,.35); transform: rotate(-45deg); font-family: {{HeiTi}}; pointer-events: none; z-index: -1; }
            """);
        sb.Append("</style></head><body>");
        if (request.Draft) sb.Append("<div class=\"draft\" aria-hidden=\"true\">草稿</div>");

        sb.Append("<div id=\"top\"></div><div class=\"head\"><div class=\"masthead\">").Append(E(c.Masthead)).Append("</div>");
        if (c.IsUpward)
            sb.Append("<div class=\"number upward\"><span>").Append(E(request.Number)).Append("</span><span>签发人：<span class=\"signer\">")
              .Append(E(c.Signer!.Trim())).Append("</span></span></div>");
        else
            sb.Append("<div class=\"number\">").Append(E(request.Number)).Append("</div>");
        sb.Append("</div>");
        sb.Append("<h1 class=\"title\" style=\"text-indent:0\">").Append(E(c.Title)).Append("</h1>");
        if (c.Addressees.Count > 0) sb.Append("<p class=\"addressees\">").Append(E(string.Join("，", c.Addressees) + "：")).Append("</p>");

        var headings = new HeadingNumbers.Counter();
        var imageNo = 0;
        foreach (var block in c.Body)
        {
            switch (block)
            {
                case ParagraphBlock p:
                    sb.Append("<p class=\"indent\">").Append(E(p.Text)).Append("</p>");
                    break;
                case HeadingBlock h:
                    var tag = "h" + h.Level.ToString(CultureInfo.InvariantCulture);
                    sb.Append('<').Append(tag).Append(" class=\"").Append(tag).Append("\">").Append(E(headings.Next(h.Level) + h.Text)).Append("</").Append(tag).Append('>');
                    break;
                case TableBlock t:
                    sb.Append("<div class=\"table-block\">");
                    if (!string.IsNullOrWhiteSpace(t.Caption)) sb.Append("<p class=\"caption table-caption\">").Append(E(t.Caption)).Append("</p>");
                    sb.Append("<table class=\"data\"><thead><tr>");
                    foreach (var h in t.Header) sb.Append("<th>").Append(E(h)).Append("</th>");
                    sb.Append("</tr></thead><tbody>");
                    foreach (var row in t.Rows)
                    {
                        sb.Append("<tr>");
                        foreach (var cell in row) sb.Append("<td>").Append(E(cell ?? "")).Append("</td>");
                        sb.Append("</tr>");
                    }
                    sb.Append("</tbody></table></div>");
                    break;
                case ImageBlock img:
                    var info = ImageInfo.Read(img.Data)!;
                    imageNo++;
                    sb.Append("<figure><img alt=\"").Append(E(img.Caption)).Append("\" src=\"data:").Append(info.MediaType).Append(";base64,")
                      .Append(Convert.ToBase64String(img.Data)).Append("\"><figcaption>图").Append(imageNo.ToString(CultureInfo.InvariantCulture))
                      .Append('　').Append(E(img.Caption)).Append("</figcaption></figure>");
                    break;
            }
        }

        if (c.Attachments.Count > 0)
        {
            sb.Append("<div class=\"attachments\">");
            for (var i = 0; i < c.Attachments.Count; i++)
            {
                var name = c.Attachments.Count == 1 ? c.Attachments[i] : $"{i + 1}.{c.Attachments[i]}";
                sb.Append("<p>").Append(i == 0 ? "附件：" : "").Append(E(name)).Append("</p>");
            }
            sb.Append("</div>");
        }
        var date = L.ChineseDate(c.Date);
        var (issuerIndent, dateIndent) = L.SignatureIndents(c.IssuerName, date);
        sb.Append("<div class=\"signature\"><p style=\"padding-right:").Append(Em(issuerIndent)).Append("\">").Append(E(c.IssuerName)).Append("</p>")
          .Append("<p style=\"padding-right:").Append(Em(dateIndent)).Append("\">").Append(E(date)).Append("</p></div>");
        if (!string.IsNullOrWhiteSpace(c.Note)) sb.Append("<p class=\"note\">（").Append(E(c.Note)).Append("）</p>");

        // 版记 at the foot of the last page. Print layout cannot be read from script, so the script makes the screen layout
        // paginate as print will: every block a whole number of lines of a pitch that tiles the 225 mm page, a picture or
        // table that would cross a page moved to the next one (with a heading just before it), a heading never last on
        // a page. Then the spacer before the 版记 fills the last page. A table longer than a page breaks unpredictably:
        // then the 版记 goes to a page of its own, at its foot.
        sb.Append("<div id=\"spacer\"></div><div class=\"distribution\" id=\"distribution\">");
        if (c.CopyTo.Count > 0) sb.Append("<div class=\"row\"><div class=\"copy\">抄送：").Append(E(string.Join("，", c.CopyTo) + "。")).Append("</div></div>");
        sb.Append("<div class=\"row\"><span>").Append(E(c.PrintedBy)).Append("</span><span>").Append(E(L.ChineseDate(c.PrintedOn) + "印发")).Append("</span></div></div>");
        sb.Append(CultureInfo.InvariantCulture, $$"""
            <script>
            (function () {
              var P = {{L.LinesPerPage}}, pitch = {{PitchPx.ToString("R", CultureInfo.InvariantCulture)}}, eps = 0.01, reliable = true;
              var base = document.getElementById('top').getBoundingClientRect().top;
              function y(el) { return el.getBoundingClientRect().top - base; }
              function h(el) { return el.getBoundingClientRect().height; }
              function line(el) { return Math.round(y(el) / pitch); }
              function round(el) {
                var extra = Math.ceil(h(el) / pitch - eps) * pitch - h(el);
                if (extra > eps) el.style.paddingBottom = ((parseFloat(getComputedStyle(el).paddingBottom) || 0) + extra) + 'px';
              }
              function space(el, lines) {
                if (lines <= 0) return;
                var s = document.createElement('div');
                s.style.height = (lines * pitch) + 'px';
                el.parentNode.insertBefore(s, el);
              }
              document.querySelectorAll('.head, figure, .table-block').forEach(round);
              Array.prototype.slice.call(document.body.children).forEach(function (el) {
                if (/^H[1-4]$/.test(el.tagName) && !el.classList.contains('title')) {
                  if (line(el) % P === P - 1) space(el, 1);
                } else if (el.tagName === 'FIGURE' || el.classList.contains('table-block')) {
                  var n = Math.round(h(el) / pitch);
                  if (n > P) { reliable = false; el.style.breakInside = 'auto'; return; }
                  if (line(el) % P + n > P) {
                    var prev = el.previousElementSibling, target = prev && /^H[1-4]$/.test(prev.tagName) ? prev : el;
                    space(target, P - line(target) % P);
                  }
                }
              });
              var spacer = document.getElementById('spacer'), block = document.getElementById('distribution');
              var used = line(spacer) % P, need = Math.ceil(h(block) / pitch - eps), gap;
              if (!reliable) { spacer.style.breakBefore = 'page'; gap = P - need; }
              else gap = used + need <= P ? P - used - need : (P - used) + (P - need);
              spacer.style.height = Math.max(0, gap * pitch - 1) + 'px';
            })();
            </script>
            """);
        sb.Append("</body></html>");
        return sb.ToString();
    }

    /// <summary>
    /// The line pitch in CSS pixels: the 225 mm text height over 22 lines, rounded down to Chromium's layout unit
    /// (1/64 px) so that 22 lines never overflow the page through rounding.
    /// </summary>
    public static readonly double PitchPx = Math.Floor(L.TextHeightMm / 25.4 * 96 / L.LinesPerPage * 64) / 64;

    private static string Px(double px) => px.ToString("R", CultureInfo.InvariantCulture) + "px";

    private static string Em(double chars) => chars.ToString("0.##", CultureInfo.InvariantCulture) + "em";

    private static string E(string text) => Enc.Encode(text);
}
