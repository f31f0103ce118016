using System.Text.RegularExpressions;
using Mingcha.Domain.Documents;

namespace Mingcha.Domain.Inspections;

/// <summary>
/// INS-17: the text of a round report, as the team edits it, read into official-document blocks: "# " a heading,
/// "## " a sub-heading, lines between "|" a table (the first row its header), "![caption](evidence:{id})" a photo from
/// the evidence vault, anything else a paragraph.
/// </summary>
public static partial class RoundReportText
{
    [GeneratedRegex(@"^!\[(?<caption>[^\]]*)\]\(evidence:(?<id>[0-9a-fA-F-]{36})\)$")]
    private static partial Regex ImageLine();

    /// <summary>The body text as document blocks: headings, paragraphs, tables, photos from the vault.</summary>
    public static async Task<List<DocumentBlock>> BlocksAsync(string body, Func<Guid, Task<byte[]?>> photo)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(photo);
        var blocks = new List<DocumentBlock>();
        List<IReadOnlyList<string>>? table = null;
        void EndTable()
        {
            if (table is { Count: > 0 })
            {
                var width = table[0].Count;
                blocks.Add(new TableBlock(table[0], table.Skip(1).Select(r => (IReadOnlyList<string>)r.Concat(Enumerable.Repeat("", width)).Take(width).ToList()).ToList()));
            }
            table = null;
        }
        foreach (var raw in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('|') && line.EndsWith('|') && line.Length > 1)
            {
                table ??= [];
                table.Add(line[1..^1].Split('|').Select(c => c.Trim()).ToList());
                continue;
            }
            EndTable();
            if (line.Length == 0) continue;
            if (line.StartsWith("## ", StringComparison.Ordinal)) blocks.Add(new HeadingBlock(2, line[3..].Trim()));
            else if (line.StartsWith("# ", StringComparison.Ordinal)) blocks.Add(new HeadingBlock(1, line[2..].Trim()));
            else if (ImageLine().Match(line) is { Success: true } m)
            {
                var bytes = await photo(Guid.Parse(m.Groups["id"].Value));
                if (bytes is not null) blocks.Add(new ImageBlock(bytes, m.Groups["caption"].Value));
            }
            else blocks.Add(new ParagraphBlock(line));
        }
        EndTable();
        return blocks;
    }

}
