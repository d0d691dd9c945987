package io.stockingest.sink.postgres;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.http.Secrets;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;

/**
 * {@code export --table T --format csv|sql|parquet [--where "..."] -o FILE}. The query runs inside a READ ONLY
 * transaction, so a {@code --where} that tries to write (a data-modifying CTE, {@code nextval}, ...) is refused
 * by the server; a {@code ;} is refused before that. SQL output is one {@code INSERT INTO table (cols) VALUES (...);}
 * per row with an unqualified table name, so it loads into any schema (set its search_path first).
 *
 * <p>Parquet is not encoded here (this module has no Parquet dependency): {@link #export(String, String, RowWriter)}
 * hands typed rows to a {@link RowWriter}, and the app encodes them with the lake's Parquet adapter.
 */
public final class Exporter {
    /** Output formats. {@code PARQUET} goes through {@link #export(String, String, RowWriter)}. */
    public enum Format { CSV, SQL, PARQUET }

    /** The type of an exported column, as Java hands its values to a {@link RowWriter}. */
    public enum ColumnType {
        /** String (text, varchar and any type without a better mapping, as PostgreSQL prints it). */
        TEXT,
        /** String holding JSON text (json, jsonb). */
        JSON,
        /** Integer (int2, int4). */
        INT,
        /** Long (int8). */
        BIGINT,
        /** Double (float4, float8, numeric). */
        DOUBLE,
        /** Boolean. */
        BOOLEAN,
        /** LocalDate. */
        DATE,
        /** Instant (timestamptz; a timestamp without zone is read as UTC). */
        TIMESTAMP,
        /** List of Double (float8[]), elements may be null. */
        DOUBLE_ARRAY,
        /** List of Long (int8[]), elements may be null. */
        BIGINT_ARRAY
    }

    /** An exported column: its name, type, and whether it may be null (from the table's NOT NULL constraints). */
    public record Column(String name, ColumnType type, boolean nullable) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /** Receives an export as typed rows: {@link #columns} once, {@link #row} per row, in key order. */
    public interface RowWriter {
        void columns(String table, List<Column> columns) throws IOException;

        /** One row: values in column order, typed as {@link ColumnType} says, null where the row has none. */
        void row(List<Object> values) throws IOException;
    }

    private final PostgresAdmin admin;

    public Exporter(PostgresConfig config) {
        this.admin = new PostgresAdmin(requireNonNull(config, "config is null"));
    }

    public static Format format(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "csv" -> Format.CSV;
            case "sql" -> Format.SQL;
            case "parquet" -> Format.PARQUET;
            default -> throw new IngestException(ErrorKind.USAGE, "Unknown export format '" + name + "' (known: csv, sql, parquet)");
        };
    }

    /**
     * Exports {@code table} (optionally filtered) to {@code out}; returns the number of rows written. Parquet is
     * encoded by {@link ParquetExport} (whole file or none).
     */
    public long export(String table, Format format, String where, Path out) {
        if (format == Format.PARQUET) {
            return ParquetExport.write(this, table, where, out);
        }
        try (OutputStream os = Files.newOutputStream(out)) {
            return export(table, format, where, os);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** CSV or SQL to {@code out}; for Parquet use {@link #export(String, Format, String, Path)}. */
    public long export(String table, Format format, String where, OutputStream out) {
        return export(table, where, (c, st, name, query) -> switch (format) {
            case CSV -> c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT WITH (FORMAT csv, HEADER)", out);
            case SQL -> writeInserts(st, query, name, out);
            case PARQUET -> throw new IngestException(ErrorKind.USAGE, "Parquet is encoded by the caller: use export(table, where, RowWriter)");
        });
    }

    /** Hands {@code table}'s rows (optionally filtered), typed, to {@code writer}; returns the number of rows. Same READ ONLY transaction. */
    public long export(String table, String where, RowWriter writer) {
        requireNonNull(writer, "writer is null");
        return export(table, where, (c, st, name, query) -> writeRows(st, query, name, writer));
    }

    private interface Body {
        long run(Connection c, Statement st, String table, String query) throws SQLException, IOException;
    }

    private long export(String table, String where, Body body) {
        String filter = where == null || where.isBlank() ? "" : where.strip();
        if (filter.contains(";")) {
            throw new IngestException(ErrorKind.USAGE, "--where must be a single condition, without ';': " + filter);
        }
        try (Connection c = admin.connect()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                String name = checkTable(c, table);
                String query = "SELECT * FROM " + name + (filter.isEmpty() ? "" : " WHERE " + filter) + " ORDER BY " + orderBy(c, name);
                long rows = body.run(c, st, name, query);
                c.commit();
                return rows;
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // connection gone
                }
                throw e;
            }
        } catch (SQLException e) {
            String state = e.getSQLState();
            ErrorKind kind = "25006".equals(state) || (state != null && state.startsWith("42")) ? ErrorKind.USAGE : ErrorKind.SINK;
            throw new IngestException(kind, "Cannot export " + table + (filter.isEmpty() ? "" : " where " + filter) + " from " + admin.config().name()
                    + ": " + Secrets.redact(e.getMessage()), e);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write the export of " + table + ": " + e.getMessage(), e);
        }
    }

    private String checkTable(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name = ? AND table_name <> 'flyway_schema_history'")) {
            ps.setString(1, admin.config().schema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IngestException(ErrorKind.USAGE, "No table '" + table + "' in schema " + admin.config().schema());
                }
                return rs.getString(1);
            }
        }
    }

    /** The primary key's columns in key order (so every export comes out in key order), or the first two columns. */
    private static String orderBy(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::int2[], a.attnum))"
                + " FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = quote_ident(?)::regclass AND i.indisprimary")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                String key = rs.next() ? rs.getString(1) : null;
                return key == null ? "1, 2" : key;
            }
        }
    }

    private static long writeInserts(Statement st, String query, String table, OutputStream os) throws SQLException, IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
        long rows = 0;
        st.setFetchSize(10_000);
        try (ResultSet rs = st.executeQuery(query)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            StringBuilder head = new StringBuilder("INSERT INTO ").append(table).append(" (");
            for (int i = 1; i <= n; i++) {
                head.append(i > 1 ? ", " : "").append(md.getColumnName(i));
            }
            head.append(") VALUES (");
            while (rs.next()) {
                StringBuilder line = new StringBuilder(head);
                for (int i = 1; i <= n; i++) {
                    line.append(i > 1 ? ", " : "").append(literal(rs.getString(i), md.getColumnType(i)));
                }
                w.write(line.append(");\n").toString());
                rows++;
            }
        }
        w.flush();
        return rows;
    }

    private static long writeRows(Statement st, String query, String table, RowWriter writer) throws SQLException, IOException {
        long rows = 0;
        st.setFetchSize(10_000);
        try (ResultSet rs = st.executeQuery(query)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Column> columns = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(new Column(md.getColumnName(i), columnType(md.getColumnTypeName(i)), md.isNullable(i) != ResultSetMetaData.columnNoNulls));
            }
            writer.columns(table, List.copyOf(columns));
            while (rs.next()) {
                List<Object> values = new ArrayList<>(columns.size());
                for (int i = 0; i < columns.size(); i++) {
                    values.add(value(rs, i + 1, columns.get(i).type()));
                }
                writer.row(java.util.Collections.unmodifiableList(values));
                rows++;
            }
        }
        return rows;
    }

    static ColumnType columnType(String pgType) {
        return switch (pgType) {
            case "int2", "int4", "serial" -> ColumnType.INT;
            case "int8", "bigserial" -> ColumnType.BIGINT;
            case "float4", "float8", "numeric" -> ColumnType.DOUBLE;
            case "bool" -> ColumnType.BOOLEAN;
            case "date" -> ColumnType.DATE;
            case "timestamptz", "timestamp" -> ColumnType.TIMESTAMP;
            case "json", "jsonb" -> ColumnType.JSON;
            case "_float8", "_float4" -> ColumnType.DOUBLE_ARRAY;
            case "_int8", "_int4", "_int2" -> ColumnType.BIGINT_ARRAY;
            default -> ColumnType.TEXT;
        };
    }

    private static Object value(ResultSet rs, int i, ColumnType type) throws SQLException {
        Object value = switch (type) {
            case TEXT, JSON -> rs.getString(i);
            case INT -> rs.getInt(i);
            case BIGINT -> rs.getLong(i);
            case DOUBLE -> rs.getDouble(i);
            case BOOLEAN -> rs.getBoolean(i);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIMESTAMP -> {
                OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            case DOUBLE_ARRAY, BIGINT_ARRAY -> {
                java.sql.Array array = rs.getArray(i);
                yield array == null ? null : Arrays.stream((Object[]) array.getArray())
                        .map(e -> e == null ? null : type == ColumnType.DOUBLE_ARRAY ? (Object) ((Number) e).doubleValue() : (Object) ((Number) e).longValue())
                        .toList();
            }
        };
        return rs.wasNull() ? null : value;
    }

    private static String literal(String value, int sqlType) {
        if (value == null) {
            return "NULL";
        }
        boolean numeric = switch (sqlType) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.DOUBLE, Types.REAL, Types.FLOAT, Types.NUMERIC, Types.DECIMAL -> true;
            default -> false;
        };
        if (numeric && !value.equals("NaN") && !value.contains("Infinity")) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
