-- 0029: the staff member a substantiated complaint is against, named by the Office at the close (SAT-5), and the
-- complaint behind a badge's revocation.
ALTER TABLE "Complaints" ADD COLUMN "StaffId" uuid;
ALTER TABLE "StaffBadges" ADD COLUMN "ComplaintId" uuid;
