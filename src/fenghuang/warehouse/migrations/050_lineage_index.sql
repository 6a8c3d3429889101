-- Point lookups for a firm's lineage (warehouse.fact_lineage, the web's firm page):
-- ART indexes on the firm columns, so one firm's source rows and parcels are
-- found without scanning the tables (3.6 M source rows at 100,000 firms).
-- Measured at 100,000 firms: building them on an existing store ≈ 1.5 s;
-- fact_lineage 30 ms (scan) → ≈ 4 ms.
create index if not exists source_values_firm on source_values(credit_code);
create index if not exists parcels_firm on parcels(credit_code);
create index if not exists parcels_lessor on parcels(lessor_code);
create index if not exists fact_history_firm on fact_history(credit_code);
