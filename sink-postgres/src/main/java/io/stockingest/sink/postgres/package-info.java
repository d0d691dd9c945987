/**
 * PostgreSQL sink: Flyway schema ({@link io.stockingest.sink.postgres.PostgresAdmin}), COPY loads through a
 * staging table and SQL data-quality gate with idempotent upserts ({@link io.stockingest.sink.postgres.PostgresSink}),
 * feature tables, and {@link io.stockingest.sink.postgres.Exporter}.
 */
package io.stockingest.sink.postgres;
