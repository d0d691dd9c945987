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
import java.util.Locale;
import org.postgresql.PGConnection;

/**
 * {@code export --table T --format csv|sql [--where "..."] -o FILE}. The query runs inside a READ ONLY
 * transaction, so a {@code --where} that tries to write (a data-modifying CTE, {@code nextval}, ...) is refused
 * by the server; a {@code ;} is refused before that. SQL output is one {@code INSERT INTO table (cols) VALUES (...);}
 * per row with an unqualified table name, so it loads into any schema (set its search_path first).
 */
public final class Exporter {
    /** Output formats. Parquet is not implemented yet (use the lake sink for Parquet). */
    public enum Format { CSV, SQL }

    private final PostgresAdmin admin;

    public Exporter(PostgresConfig config) {
        this.admin = new PostgresAdmin(requireNonNull(config, "config is null"));
    }

    public static Format format(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "csv" -> Format.CSV;
            case "sql" -> Format.SQL;
            case "parquet" -> throw new IngestException(ErrorKind.USAGE, "export --format parquet is not supported by the postgres exporter yet: use csv or sql");
            default -> throw new IngestException(ErrorKind.USAGE, "Unknown export format '" + name + "' (known: csv, sql)");
        };
    }

    /** Exports {@code table} (optionally filtered) to {@code out}; returns the number of rows written. */
    public long export(String table, Format format, String where, Path out) {
        try (OutputStream os = Files.newOutputStream(out)) {
            return export(table, format, where, os);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.SINK, "Cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    public long export(String table, Format format, String where, OutputStream out) {
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
                String query = "SELECT * FROM " + name + (filter.isEmpty() ? "" : " WHERE " + filter) + " ORDER BY 1, 2";
                long rows = switch (format) {
                    case CSV -> c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT WITH (FORMAT csv, HEADER)", out);
                    case SQL -> writeInserts(st, query, name, out);
                };
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
