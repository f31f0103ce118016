-- 0058: on PostgreSQL, committed changes of sections and staff are announced to the other instances (decision 046).
-- SQLite runs one instance, which tells its own rating intake (DirectoryChanges): nothing to add to the schema.
SELECT 1;
