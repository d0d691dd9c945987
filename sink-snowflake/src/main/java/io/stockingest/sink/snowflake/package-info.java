/**
 * The Snowflake sink: Parquet files (sink-s3's encoder) staged internally with PUT or referenced in an external S3
 * stage, {@code COPY INTO} a transient staging table, a data-quality gate in SQL, then a deduplicating
 * {@code MERGE} into the target, in one transaction; plus the schema migration with the layered views.
 */
package io.stockingest.sink.snowflake;
