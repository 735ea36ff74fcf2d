-- @table Every input file this warehouse was built from, with its provenance: one row per file.
--   Observations point to these files through source_file (= relpath) and source_row.
-- @column source_id: source or reference id (see README "Data directory")
-- @column kind: sources (incident and offence data) or reference (lookup tables)
-- @column release: release (vintage) folder of the file
-- @column relpath: file path relative to the data directory (= source_file in other tables)
-- @column sha256: sha256 of the file's bytes as loaded
-- @column size_bytes: file size in bytes
-- @column publisher: publisher, from the file's provenance sidecar
-- @column title: title, from the provenance sidecar
-- @column url: publisher URL, from the provenance sidecar
-- @column licence: licence, from the provenance sidecar
-- @column retrieved: retrieval date, from the provenance sidecar
-- @column original_sha256: sha256 of the publisher's original file when this file is an extract of it (from the
--   sidecar; null for a publisher's file as published)
SELECT source_id, kind, release, relpath, sha256, size_bytes, publisher, title, url, licence, retrieved,
    original_sha256
FROM intermediate.int_source_files
ORDER BY kind DESC, source_id, relpath
