-- marts.virtual_asset_losses: columns, units and meaning in pipelines/contracts/marts/virtual_asset_losses.yml
-- flags (pipelines/indicators/flags.py): e = an estimate, p = provisional or first-published, u = source grade
-- secondary or unverified. A virtual-asset figure is a part of its publisher's total: never added to it, to its
-- crime types or to another part.
SELECT
    v.publisher, v.area_code, coalesce(a.area_name, v.area_name) AS area_name, v.country_iso3, v.area_type, v.year,
    v.period_label, v.period_type, v.measure AS metric, v.series, v.asset_scope,
    CASE WHEN v.currency IS NULL THEN v.value END AS virtual_asset_count,
    CASE WHEN v.currency IS NOT NULL THEN v.value END AS virtual_asset_loss_lcu,
    v.currency AS currency_code, v.part_of_series AS total_series,
    CASE WHEN v.currency IS NULL THEN v.total_value END AS total_count,
    CASE WHEN v.currency IS NOT NULL THEN v.total_value END AS total_loss_lcu,
    v.share AS virtual_asset_share, v.is_preferred, v.selection_note, v.comparable_note,
    v.value_type, v.revision, v.source_grade,
    concat_ws('',
        CASE WHEN v.value_type = 'estimate' THEN 'e' END,
        CASE WHEN v.revision IN ('provisional', 'first_published') THEN 'p' END,
        CASE WHEN v.source_grade IN ('secondary', 'unverified') THEN 'u' END) AS flags,
    v.publication, v.source_url, v.notes, v.source_id, v.source_file, v.source_row,
    v.total_source_id, v.total_source_file, v.total_source_row
FROM intermediate.int_virtual_asset_figures AS v
LEFT JOIN intermediate.int_areas_with_regions AS a ON a.area_code = v.area_code
ORDER BY v.area_code, v.publisher, v.year, v.measure, v.series, v.is_preferred DESC, v.source_file, v.source_row
