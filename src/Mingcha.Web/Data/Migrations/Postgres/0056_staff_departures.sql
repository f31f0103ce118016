-- 0056: 离岗 (ORG-1): a staff member who leaves the post stays in the registry and in every record that names them; the
-- history keeps from when they were no longer in post. The versions before this migration were all in post.
ALTER TABLE "StaffVersions" ADD COLUMN "Active" boolean NOT NULL DEFAULT TRUE;
