using System.Text;

namespace Mingcha.Domain.Evidence;

/// <summary>What kind of evidence a file is.</summary>
public enum EvidenceMediaKind
{
    Video,
    Audio,
    Image,
    Document,
}

/// <summary>The type read from a file's first bytes: allowed with its media type, or refused with a reason.</summary>
public sealed record SniffResult(bool Allowed, EvidenceMediaKind? Kind, string? MediaType, string? Extension, string? RefusalZh, string? RefusalEn)
{
    internal static SniffResult Ok(EvidenceMediaKind kind, string mediaType, string extension) => new(true, kind, mediaType, extension, null, null);
    internal static SniffResult Refuse(string zh, string en) => new(false, null, null, null, zh, en);

    /// <summary>The refusal in both languages, for a ProblemDetails title.</summary>
    public string Refusal => $"{RefusalZh} {RefusalEn}";
}

/// <summary>
/// Rule EVD-1 (what the vault stores): evidence is video, photo, audio or a scanned document. The type is taken
/// from the file's magic bytes, never from its name or the browser's claim, so an executable renamed ".mp4" is
/// refused.
/// </summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants (fewer work for most types).</summary>
    public const int HeadLength = 512;

    public static SniffResult Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4)
            return SniffResult.Refuse("文件太短，无法识别类型。", "The file is too short to tell its type.");

        // Refused on sight: programs and scripts, whatever their name says.
        if (head[0] == 'M' && head[1] == 'Z')
            return Executable("Windows");
        if (head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F')
            return Executable("ELF");
        if (StartsWith(head, [0xFE, 0xED, 0xFA, 0xCE]) || StartsWith(head, [0xFE, 0xED, 0xFA, 0xCF])
            || StartsWith(head, [0xCE, 0xFA, 0xED, 0xFE]) || StartsWith(head, [0xCF, 0xFA, 0xED, 0xFE])
            || StartsWith(head, [0xCA, 0xFE, 0xBA, 0xBE]))
            return Executable("Mach-O/Java");
        if (head[0] == '#' && head[1] == '!' && !Ascii(head, 0, "#!AMR"))
            return Executable("script");

        if (head.Length >= 12 && Ascii(head, 4, "ftyp"))
        {
            var brand = Encoding.ASCII.GetString(head.Slice(8, 4));
            return brand switch
            {
                "qt  " => SniffResult.Ok(EvidenceMediaKind.Video, "video/quicktime", ".mov"),
                "M4A " or "M4B " => SniffResult.Ok(EvidenceMediaKind.Audio, "audio/mp4", ".m4a"),
                "heic" or "heix" or "heim" or "heis" or "mif1" or "msf1" => SniffResult.Ok(EvidenceMediaKind.Image, "image/heic", ".heic"),
                _ when brand.StartsWith("3g", StringComparison.Ordinal) => SniffResult.Ok(EvidenceMediaKind.Video, "video/3gpp", ".3gp"),
                _ => SniffResult.Ok(EvidenceMediaKind.Video, "video/mp4", ".mp4"),
            };
        }
        if (StartsWith(head, [0x1A, 0x45, 0xDF, 0xA3]))
            return ContainsAscii(head, "webm")
                ? SniffResult.Ok(EvidenceMediaKind.Video, "video/webm", ".webm")
                : SniffResult.Ok(EvidenceMediaKind.Video, "video/x-matroska", ".mkv");
        if (head.Length >= 12 && Ascii(head, 0, "RIFF"))
        {
            if (Ascii(head, 8, "AVI ")) return SniffResult.Ok(EvidenceMediaKind.Video, "video/x-msvideo", ".avi");
            if (Ascii(head, 8, "WAVE")) return SniffResult.Ok(EvidenceMediaKind.Audio, "audio/wav", ".wav");
            if (Ascii(head, 8, "WEBP")) return SniffResult.Ok(EvidenceMediaKind.Image, "image/webp", ".webp");
        }
        if (head.Length >= 189 && head[0] == 0x47 && head[188] == 0x47)
            return SniffResult.Ok(EvidenceMediaKind.Video, "video/mp2t", ".ts");
        if (StartsWith(head, [0xFF, 0xD8, 0xFF]))
            return SniffResult.Ok(EvidenceMediaKind.Image, "image/jpeg", ".jpg");
        if (StartsWith(head, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return SniffResult.Ok(EvidenceMediaKind.Image, "image/png", ".png");
        if (Ascii(head, 0, "GIF87a") || Ascii(head, 0, "GIF89a"))
            return SniffResult.Ok(EvidenceMediaKind.Image, "image/gif", ".gif");
        if (Ascii(head, 0, "%PDF-"))
            return SniffResult.Ok(EvidenceMediaKind.Document, "application/pdf", ".pdf");
        if (Ascii(head, 0, "ID3") || (head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
            return SniffResult.Ok(EvidenceMediaKind.Audio, "audio/mpeg", ".mp3");
        if (head[0] == 0xFF && (head[1] & 0xF6) == 0xF0)
            return SniffResult.Ok(EvidenceMediaKind.Audio, "audio/aac", ".aac");
        if (Ascii(head, 0, "OggS"))
            return SniffResult.Ok(EvidenceMediaKind.Audio, "audio/ogg", ".ogg");
        if (Ascii(head, 0, "#!AMR"))
            return SniffResult.Ok(EvidenceMediaKind.Audio, "audio/amr", ".amr");
        if (Ascii(head, 0, "fLaC"))
            return SniffResult.Ok(EvidenceMediaKind.Audio, "audio/flac", ".flac");

        return SniffResult.Refuse(
            "不支持的文件类型：证据只接受视频、照片、录音或扫描件（PDF）。",
            "File type not allowed: evidence must be a video, photo, audio recording or scanned document (PDF).");
    }

    private static SniffResult Executable(string what) => SniffResult.Refuse(
        $"文件内容是可执行程序（{what}），不是视频、照片或录音，已拒收。",
        $"The file is an executable ({what}), not a video, photo or recording: refused.");

    private static bool StartsWith(ReadOnlySpan<byte> head, ReadOnlySpan<byte> prefix) => head.StartsWith(prefix);

    private static bool Ascii(ReadOnlySpan<byte> head, int offset, string text)
    {
        if (head.Length < offset + text.Length) return false;
        for (var i = 0; i < text.Length; i++)
            if (head[offset + i] != text[i]) return false;
        return true;
    }

    private static bool ContainsAscii(ReadOnlySpan<byte> head, string text) =>
        head.IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;
}
