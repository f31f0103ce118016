using System.ComponentModel.DataAnnotations;
using Mingcha.Domain.Satisfaction;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// Ratings of complaint answers (channel "complaint", SAT-1 and CMP-11): the complainant rates how the complaint was
/// answered, and the rating counts for the window or office that answered. The complaint module calls
/// <see cref="RateAnswerAsync"/> in-process; a separate complaint system posts to <c>POST /api/v1/ratings/complaint</c>
/// with a token of scope complaints:write. The complaint's number is the case number, so a complaint's answer is
/// rated once (SAT-8); a bad rating opens a follow-up case like any other (SAT-7).
/// </summary>
public sealed class ComplaintRatings(RatingIntake intake)
{
    /// <param name="ComplaintNumber">The complaint's number (one rating per complaint).</param>
    /// <param name="SectionId">The window or office that answered (or give <paramref name="SectionCode"/>).</param>
    /// <param name="SectionCode">Its code.</param>
    /// <param name="Level">1 is best.</param>
    /// <param name="Scale">Default three-level.</param>
    /// <param name="Phone">The complainant's phone: a real-name rating.</param>
    /// <param name="Comment">What the complainant wrote.</param>
    /// <param name="RatedAt">When it was rated; null: now.</param>
    public sealed record AnswerRating([property: Required, StringLength(64)] string? ComplaintNumber, Guid? SectionId, string? SectionCode,
        [property: Required] int? Level, RatingScale? Scale, string? Phone, [property: StringLength(500)] string? Comment, DateTime? RatedAt);

    public async Task<RatingWriteResult> RateAnswerAsync(AnswerRating input, Guid? boundUnit, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.ComplaintNumber)) throw new FieldException("complaintNumber", "请填写投诉编号。 Give the complaint's number.");
        return await intake.SubmitAsync(new RatingInput(input.SectionId, input.SectionCode, input.ComplaintNumber, input.Scale, input.Level ?? 0, input.RatedAt,
            null, input.Phone, input.Comment), RatingChannel.Complaint, boundUnit, null, ct);
    }
}
