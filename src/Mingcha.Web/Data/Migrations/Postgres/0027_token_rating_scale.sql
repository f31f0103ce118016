-- 0027: the scale a rating device's buttons use, set on its token (SAT-1: a scale is chosen per device); null: the rating says.
ALTER TABLE "ApiTokens" ADD COLUMN "RatingScale" character varying(32);
