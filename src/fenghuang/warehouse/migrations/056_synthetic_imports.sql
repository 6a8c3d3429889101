-- Synthetic files (模拟数据) known by their import: a department file whose title lines or
-- name say 模拟数据 (every file fenghuang.synthetic writes) is recorded so, and a store
-- holding one is synthetic (warehouse.is_synthetic), so its runs, lists, reports and pages
-- are labelled 模拟数据 however the files came in (fenghuang import, the web upload), not
-- only after fenghuang demo marked the store. Imports made before this migration keep false.
alter table imports add column synthetic boolean default false;
-- earlier imports of the generator's files (named 模拟数据_…)
update imports set synthetic = true where file_name like '%模拟数据%';
