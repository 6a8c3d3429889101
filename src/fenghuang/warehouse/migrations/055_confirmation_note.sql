-- The reason given with a confirmation (issue 3: data confirmation and appeals): a
-- department that disputes its facts says why (有异议：…), and the data page lists it
-- with the status. Before, the web app kept the note only in its audit log.
alter table fact_status add column note varchar;
