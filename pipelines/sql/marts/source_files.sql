-- marts.source_files: columns, units and meaning in pipelines/contracts/marts/source_files.yml
SELECT source_id, kind, release, relpath, sha256, size_bytes, publisher, title, url, licence, retrieved,
    original_sha256
FROM intermediate.int_source_files
ORDER BY kind DESC, source_id, relpath
