-- The credit office's records browser (issue #12): every department's records, newest decision
-- first, filtered by department, state, decision dates or decision document number and paged on the
-- server. Each filter has an index that also gives the order, so a page reads only its own rows.
-- (By item: record_item_decision; by subject: record_subject, both from migration 0001.)
create index record_decision on record (decision_date, id);
create index record_department_decision on record (department_id, decision_date, id);
create index record_publication_decision on record (publication, decision_date, id);
-- 决定文书号 typed in full or its beginning (a prefix LIKE needs text_pattern_ops outside the C locale).
create index record_document_number on record (document_number text_pattern_ops);
