-- 0011: indexes for the Office's complaint list at a million complaints (issue 6). The status index gains LastDay, so the
-- overdue filter (Status = 'Assigned' AND LastDay < today, newest first) skips complaints in hand that are not yet
-- overdue without reading their rows; (Status, LastDay) goes, since without statistics SQLite chose it for the overdue
-- list and then sorted every overdue complaint. The type and channel filters read rows already in page order.
DROP INDEX "IX_Complaints_Status_ReceivedAt_Id";

DROP INDEX "IX_Complaints_Status_LastDay";

CREATE INDEX "IX_Complaints_Status_ReceivedAt_Id_LastDay" ON "Complaints" ("Status", "ReceivedAt", "Id", "LastDay");

CREATE INDEX "IX_Complaints_Type_ReceivedAt_Id" ON "Complaints" ("Type", "ReceivedAt", "Id");

CREATE INDEX "IX_Complaints_Channel_ReceivedAt_Id" ON "Complaints" ("Channel", "ReceivedAt", "Id");
