-- 0013: the ratings' index by window and time goes; one by time alone comes (issue 7, decision 008).
-- (SectionId, RatedAt) took an insert in the middle of the tree for every window a commit carried: a group commit of
-- 30 ratings from 16 windows wrote 57 pages to the WAL, 32 of them for this index alone, and none of the read paths
-- used it (window filters run inside a unit's range of (UnitId, RatedAt), or by ReceivedAt for the newest first).
-- (RatedAt) grows at its end, costs one or two pages a commit, and serves the Office's all-unit views of a day or
-- a year, which used to scan every rating.
DROP INDEX "IX_Ratings_SectionId_RatedAt";

CREATE INDEX "IX_Ratings_RatedAt" ON "Ratings" ("RatedAt");
