-- 0058: every instance's rating intake keeps the windows and staff in memory (thousands of ratings a second). A
-- committed change of either is announced on the channel mingcha_directory, so that other instances read them again
-- at once instead of within their minute's refresh (decision 046): a window moved to another unit rates for the new
-- unit, a closed one takes nothing, on every instance. NOTIFY is transactional: it is sent when the change commits,
-- never for one rolled back, and one a transaction however many rows it changed.
CREATE FUNCTION mingcha_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mingcha_directory', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER "Sections_directory_changed" AFTER INSERT OR UPDATE OR DELETE ON "Sections"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_directory_changed();
CREATE TRIGGER "Staff_directory_changed" AFTER INSERT OR UPDATE OR DELETE ON "Staff"
    FOR EACH STATEMENT EXECUTE FUNCTION mingcha_directory_changed();
