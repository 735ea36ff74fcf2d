-- marts.illicit_value_estimates: columns, units and meaning in pipelines/contracts/marts/illicit_value_estimates.yml
-- Estimates that are not victim losses (illicit_volume: value received by addresses identified as illicit, a lower
-- bound restated upward in later editions; criminal_proceeds: perpetrators' profits or revenue). Every edition is
-- a row (a vintage); a range stays a range. Never added to losses or to each other.
-- flags (pipelines/indicators/flags.py): e = an estimate, p = provisional or first-published, u = source grade
-- secondary or unverified.
SELECT
    o.publisher, o.area_code, o.area_name, o.year, o.period_label, o.measure AS metric, o.asset_scope,
    o.publication AS edition, o.revision,
    CAST(dense_rank() OVER (PARTITION BY o.publisher, o.area_code, o.measure, o.year
        ORDER BY CASE o.revision WHEN 'restated' THEN 0 WHEN 'final' THEN 0 WHEN 'as_published' THEN 1 ELSE 2 END)
        AS INTEGER) AS edition_rank,
    o.value AS amount_lcu, o.value_low AS amount_lcu_low, o.value_high AS amount_lcu_high,
    o.currency AS currency_code, o.measure = 'illicit_volume' AS is_lower_bound, o.value_type, o.source_grade,
    concat_ws('',
        CASE WHEN o.value_type = 'estimate' THEN 'e' END,
        CASE WHEN o.revision IN ('provisional', 'first_published') THEN 'p' END,
        CASE WHEN o.source_grade IN ('secondary', 'unverified') THEN 'u' END) AS flags,
    concat_ws(' ',
        CASE WHEN o.measure = 'illicit_volume' THEN 'Value received by addresses the publisher identified as illicit: '
            || 'a lower bound, restated upward in later editions as more addresses are identified; compare an '
            || 'edition with the same edition only. Not victim losses.' END,
        CASE WHEN o.measure = 'criminal_proceeds' THEN 'Perpetrators'' profits or revenue, modelled: not victim '
            || 'losses and not comparable with them.' END,
        CASE WHEN o.value IS NULL THEN 'Published as a range only: no point value.' END,
        CASE WHEN o.period_label ILIKE '%reference year not stated%' THEN 'The publisher states no reference year; '
            || 'the year is the year of the report.' END) AS comparable_note,
    o.source_url, o.notes, o.source_id, o.source_file, o.source_row
FROM staging.observations AS o
WHERE o.measure IN ('illicit_volume', 'criminal_proceeds')
ORDER BY o.measure, o.publisher, o.area_code, o.year, edition_rank, o.source_file, o.source_row
