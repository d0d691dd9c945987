package io.stockingest.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.StatementType;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import io.stockingest.sink.postgres.testkit.PostgresTestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fundamentals, option_snapshots and corporate_actions through the sink against a real PostgreSQL. */
class DatasetWritersTest {
    private static final Symbol AAPL = new Symbol("AAPL");

    private static PostgresConfig config(String schema) {
        return PostgresConfig.from(PostgresTestServer.jdbcUrl(), Settings.of(Map.of("PG_SCHEMA", schema)));
    }

    private static String freshSchema() {
        return PostgresTestServer.freshSchema();
    }

    private static RunContext run(int n) {
        Instant now = Instant.parse("2024-11-02T12:00:00Z").plusSeconds(n);
        return new RunContext("1730548800-000" + n, "test", "test", now, now);
    }

    static String text(String schema, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
            StringBuilder sb = new StringBuilder();
            try (ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                    }
                    sb.append('\n');
                }
            }
            return sb.toString();
        }
    }

    /** AAPL's FY2024 income statement as FMP sends it (stable_income-statement_AAPL_annual_limit1.json), three items. */
    static FinancialStatement income(double revenue) {
        Map<String, Double> items = new LinkedHashMap<>();
        items.put("revenue", revenue);
        items.put("eps", 6.11);
        items.put("netIncome", 93_736_000_000d);
        return new FinancialStatement(AAPL, StatementType.INCOME, "FY", 2024, LocalDate.of(2024, 9, 28), LocalDate.of(2024, 11, 1),
                Instant.parse("2024-11-01T10:01:36Z"), "USD", items, "fmp");
    }

    static FinancialStatement balance() {
        return new FinancialStatement(AAPL, StatementType.BALANCE, "FY", 2024, LocalDate.of(2024, 9, 28), null, null, null,
                Map.of("totalAssets", 364_980_000_000d, "weird", Double.NaN), "fmp");
    }

    /** The contract of options_snapshot_chain_AAPL.client-python-mock.json. */
    static OptionSnapshot call150(double strike, Double close) {
        return new OptionSnapshot("O:AAPL230616C00150000", AAPL, "call", "american", strike, LocalDate.of(2023, 6, 16), 100d, 29.99, 32.25, 29d, close,
                8d, 30.7738, 8133d, 0.3570277203465058, 0.6436614934293701, 0.0061735291012820675, -0.028227189324641973, 0.6381159723175714,
                179.075, 159.9606, 28.9, 29.25, 294d, 209d, 29.075, 29.25, Instant.parse("2022-04-29T17:44:23.172073Z"), LocalDate.of(2022, 4, 29),
                "polygon");
    }

    static OptionSnapshot put140() {
        return new OptionSnapshot("O:AAPL230616P00140000", AAPL, "put", "american", 140, LocalDate.of(2023, 6, 16), 100d, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, LocalDate.of(2022, 4, 29), "polygon");
    }

    static CorporateAction split() {
        return new CorporateAction(AAPL, CorporateAction.Type.SPLIT, LocalDate.of(2020, 8, 31), null, 4d, 1d, null, null, null, null, "yahoo");
    }

    static CorporateAction dividend(double amount) {
        return new CorporateAction(AAPL, CorporateAction.Type.DIVIDEND, LocalDate.of(2020, 11, 6), amount, null, null, LocalDate.of(2020, 11, 9),
                LocalDate.of(2020, 11, 12), LocalDate.of(2020, 10, 29), "USD", "fmp");
    }

    @Test
    void statementsStoreTypedHeaderAndLineItemsAndARerunChangesNothing() throws Exception {
        String schema = freshSchema();
        try (PostgresSink sink = new PostgresSink(config(schema))) {
            WriteResult written = sink.writeStatements(List.of(income(391_035_000_000d), balance()), WriteOptions.DEFAULT, run(1));
            assertThat(written).isEqualTo(new WriteResult(1, 0, 2));
        }
        assertThat(text(schema, "SELECT symbol, statement_type, period, fiscal_year, period_end, filing_date, accepted_at, currency, source, ingest_ts,"
                + " line_items->>'revenue', (line_items->>'eps')::float8, line_items->>'weird' FROM fundamentals ORDER BY statement_type"))
                .isEqualTo("AAPL|balance|FY|2024|2024-09-28|null|null|null|fmp|2024-11-02 12:00:01+00|null|null|NaN\n"
                        + "AAPL|income|FY|2024|2024-09-28|2024-11-01|2024-11-01 10:01:36+00|USD|fmp|2024-11-02 12:00:01+00|391035000000|6.11|null\n");
        String xmin = text(schema, "SELECT statement_type, xmin FROM fundamentals ORDER BY 1");

        PostgresAdmin admin = new PostgresAdmin(config(schema));
        assertThat(new FundamentalsWriter(admin).write(List.of(income(391_035_000_000d), balance()), run(2))).as("rows changed by the rerun").isZero();
        assertThat(text(schema, "SELECT statement_type, xmin FROM fundamentals ORDER BY 1")).as("no row rewritten").isEqualTo(xmin);

        assertThat(new FundamentalsWriter(admin).write(List.of(income(391_000_000_000d), balance()), run(3))).as("the restated revenue only").isEqualTo(1);
        assertThat(text(schema, "SELECT statement_type, line_items->>'revenue', ingest_ts FROM fundamentals ORDER BY 1"))
                .isEqualTo("balance|null|2024-11-02 12:00:01+00\nincome|391000000000|2024-11-02 12:00:03+00\n");
    }

    @Test
    void optionSnapshotsStoreEveryFieldAndUpsertByContractAndDate() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema));
        sink.writeOptions(List.of(call150(150, 29d), put140()), WriteOptions.DEFAULT, run(1));
        assertThat(text(schema, "SELECT " + String.join(", ", OptionSnapshotsWriter.TABLE.columns())
                + ", ingest_ts FROM option_snapshots WHERE contract = 'O:AAPL230616C00150000'"))
                .isEqualTo("O:AAPL230616C00150000|AAPL|call|american|150|2023-06-16|100|29.99|32.25|29|29|8|30.7738|8133|0.3570277203465058"
                        + "|0.6436614934293701|0.0061735291012820675|-0.028227189324641973|0.6381159723175714|179.075|159.9606"
                        + "|28.9|29.25|294|209|29.075|29.25|2022-04-29 17:44:23.172073+00|2022-04-29|polygon|2024-11-02 12:00:01+00\n");
        assertThat(text(schema, "SELECT contract, day_close, delta, open_interest FROM option_snapshots WHERE contract_type = 'put'"))
                .isEqualTo("O:AAPL230616P00140000|null|null|null\n");
        String xmin = text(schema, "SELECT contract, xmin FROM option_snapshots ORDER BY 1");

        OptionSnapshotsWriter writer = new OptionSnapshotsWriter(new PostgresAdmin(config(schema)));
        assertThat(writer.write(List.of(call150(150, 29d), put140()), run(2))).isZero();
        assertThat(text(schema, "SELECT contract, xmin FROM option_snapshots ORDER BY 1")).isEqualTo(xmin);
        assertThat(writer.write(List.of(call150(150, 29.5), put140()), run(3))).as("the corrected close only").isEqualTo(1);
        assertThat(text(schema, "SELECT contract, day_close, ingest_ts FROM option_snapshots ORDER BY 1"))
                .isEqualTo("O:AAPL230616C00150000|29.5|2024-11-02 12:00:03+00\nO:AAPL230616P00140000|null|2024-11-02 12:00:01+00\n");
    }

    @Test
    void aNonPositiveStrikeFailsTheGateAndLeavesTheTableUntouched() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema));
        sink.writeOptions(List.of(call150(150, 29d)), WriteOptions.DEFAULT, run(1));
        String before = text(schema, "SELECT *, xmin FROM option_snapshots");

        assertThatThrownBy(() -> sink.writeOptions(List.of(call150(150, 31d), put140(), call150(Double.NaN, 1d)), WriteOptions.DEFAULT, run(2)))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("Data-quality gate refused 3 option snapshots of AAPL")
                .hasMessageContaining("1 breaking strike_positive (underlying: AAPL)")
                .hasMessageContaining("option_snapshots unchanged")
                .extracting(e -> ((IngestException) e).kind()).isEqualTo(ErrorKind.DQ_GATE);
        assertThat(text(schema, "SELECT *, xmin FROM option_snapshots")).isEqualTo(before);
    }

    @Test
    void actionsUpsertBySymbolTypeAndExDateAndADuplicateKeepsTheLast() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema));
        assertThat(sink.writeActions(List.of(split(), dividend(0.2), dividend(0.205)), WriteOptions.DEFAULT, run(1)).rowsWritten()).isEqualTo(3);
        assertThat(text(schema, "SELECT symbol, type, ex_date, amount, numerator, denominator, record_date, pay_date, declaration_date, currency, source"
                + " FROM corporate_actions ORDER BY type"))
                .isEqualTo("AAPL|dividend|2020-11-06|0.205|null|null|2020-11-09|2020-11-12|2020-10-29|USD|fmp\n"
                        + "AAPL|split|2020-08-31|null|4|1|null|null|null|null|yahoo\n");
        String xmin = text(schema, "SELECT type, xmin FROM corporate_actions ORDER BY 1");
        CorporateActionsWriter writer = new CorporateActionsWriter(new PostgresAdmin(config(schema)));
        assertThat(writer.write(List.of(split(), dividend(0.205)), run(2))).isZero();
        assertThat(text(schema, "SELECT type, xmin FROM corporate_actions ORDER BY 1")).isEqualTo(xmin);
    }

    @Test
    void aLostConnectionRollsBackTheWholeBatch() throws Exception {
        String schema = freshSchema();
        new PostgresAdmin(config(schema)).migrate();
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement()) {
            // a trigger that fails the upsert after COPY and gate passed: the staged rows must not survive
            st.execute("CREATE FUNCTION " + schema + ".boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.type = 'split' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER boom BEFORE INSERT ON " + schema + ".corporate_actions FOR EACH ROW EXECUTE FUNCTION " + schema + ".boom()");
        }
        assertThatThrownBy(() -> new CorporateActionsWriter(new PostgresAdmin(config(schema))).write(List.of(dividend(0.205), split()), run(1)))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("Cannot load 2 corporate actions of AAPL into corporate_actions")
                .hasMessageContaining("rolled back, nothing stored")
                .hasMessageContaining("disk full");
        assertThat(text(schema, "SELECT count(*) FROM corporate_actions")).isEqualTo("0\n");
    }

    @Test
    void exportHandsTypedRowsAndTheNewTablesRoundTripAsSql() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema));
        sink.writeStatements(List.of(income(391_035_000_000d), balance()), WriteOptions.DEFAULT, run(1));
        sink.writeOptions(List.of(call150(150, 29d), put140()), WriteOptions.DEFAULT, run(1));
        sink.writeActions(List.of(split(), dividend(0.205)), WriteOptions.DEFAULT, run(1));
        Exporter exporter = new Exporter(config(schema));

        List<Exporter.Column> columns = new java.util.ArrayList<>();
        List<List<Object>> rows = new java.util.ArrayList<>();
        Exporter.RowWriter collect = new Exporter.RowWriter() {
            @Override
            public void columns(String table, List<Exporter.Column> cols) {
                columns.addAll(cols);
            }

            @Override
            public void row(List<Object> values) {
                rows.add(values);
            }
        };
        assertThat(exporter.export("fundamentals", "statement_type = 'income'", collect)).isEqualTo(1);
        assertThat(columns).startsWith(new Exporter.Column("symbol", Exporter.ColumnType.TEXT, false),
                new Exporter.Column("statement_type", Exporter.ColumnType.TEXT, false), new Exporter.Column("period", Exporter.ColumnType.TEXT, false),
                new Exporter.Column("fiscal_year", Exporter.ColumnType.INT, true), new Exporter.Column("period_end", Exporter.ColumnType.DATE, false));
        assertThat(columns).contains(new Exporter.Column("line_items", Exporter.ColumnType.JSON, false),
                new Exporter.Column("accepted_at", Exporter.ColumnType.TIMESTAMP, true));
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i).name(), rows.getFirst().get(i));
        }
        assertThat(row).containsEntry("fiscal_year", 2024).containsEntry("period_end", LocalDate.of(2024, 9, 28))
                .containsEntry("accepted_at", Instant.parse("2024-11-01T10:01:36Z")).containsEntry("ingest_ts", Instant.parse("2024-11-02T12:00:01Z"))
                .containsEntry("line_items", "{\"eps\": 6.11, \"revenue\": 391035000000, \"netIncome\": 93736000000}");

        assertThatThrownBy(() -> exporter.export("option_snapshots", "0 < (SELECT count(*) FROM (SELECT nextval('quarantine_id_seq')) s)", collect))
                .isInstanceOf(IngestException.class).hasMessageContaining("read-only transaction");

        String target = freshSchema();
        new PostgresAdmin(config(target)).migrate();
        for (String table : List.of("fundamentals", "option_snapshots", "corporate_actions")) {
            java.io.ByteArrayOutputStream sql = new java.io.ByteArrayOutputStream();
            exporter.export(table, Exporter.Format.SQL, null, sql);
            try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement()) {
                st.execute("SET search_path TO " + target);
                st.execute(sql.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(text(target, "SELECT * FROM " + table + " ORDER BY 1, 2, 3")).as(table).isEqualTo(text(schema, "SELECT * FROM " + table + " ORDER BY 1, 2, 3"));
        }
    }

    @Test
    void featureArraysExportAsLists() throws Exception {
        String schema = freshSchema();
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement()) {
            new PostgresAdmin(config(schema)).migrate();
            st.execute("INSERT INTO " + schema + ".price_cumulative_7d VALUES ('KO', '2024-01-10', '{1.5,2}', '{2,3}', '{1,1}', '{1.5,NaN}', '{100,NULL}', NULL, 0.25)");
        }
        List<List<Object>> rows = new java.util.ArrayList<>();
        List<Exporter.Column> columns = new java.util.ArrayList<>();
        new Exporter(config(schema)).export("price_cumulative_7d", null, new Exporter.RowWriter() {
            @Override
            public void columns(String table, List<Exporter.Column> cols) {
                columns.addAll(cols);
            }

            @Override
            public void row(List<Object> values) {
                rows.add(values);
            }
        });
        assertThat(columns.stream().map(Exporter.Column::type).toList()).containsExactly(Exporter.ColumnType.TEXT, Exporter.ColumnType.DATE,
                Exporter.ColumnType.DOUBLE_ARRAY, Exporter.ColumnType.DOUBLE_ARRAY, Exporter.ColumnType.DOUBLE_ARRAY, Exporter.ColumnType.DOUBLE_ARRAY,
                Exporter.ColumnType.BIGINT_ARRAY, Exporter.ColumnType.DOUBLE, Exporter.ColumnType.DOUBLE);
        assertThat(rows.getFirst()).containsExactly("KO", LocalDate.of(2024, 1, 10), List.of(1.5, 2.0), List.of(2.0, 3.0), List.of(1.0, 1.0),
                List.of(1.5, Double.NaN), java.util.Arrays.asList(100L, null), null, 0.25);
    }

    @Test
    void exportsComeOutInPrimaryKeyOrder() throws Exception {
        String schema = freshSchema();
        PostgresSink sink = new PostgresSink(config(schema));
        OptionSnapshot later = call150(150, 29d);
        OptionSnapshot earlier = new OptionSnapshot(later.contract(), later.underlying(), "call", "american", 150, later.expiration(), 100d, null, null,
                null, 28d, null, null, null, null, null, null, null, null, null, null, null, LocalDate.of(2022, 4, 28), "polygon");
        sink.writeOptions(List.of(put140(), later), WriteOptions.DEFAULT, run(1));
        sink.writeOptions(List.of(earlier), WriteOptions.DEFAULT, run(2));
        java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
        new Exporter(config(schema)).export("option_snapshots", Exporter.Format.CSV, null, csv);
        assertThat(csv.toString(java.nio.charset.StandardCharsets.UTF_8).lines().skip(1).map(line -> String.join(",", List.of(line.split(",")).subList(0, 3))))
                .as("contract, then date")
                .containsExactly("O:AAPL230616C00150000,AAPL,2022-04-28", "O:AAPL230616C00150000,AAPL,2022-04-29", "O:AAPL230616P00140000,AAPL,2022-04-29");
    }

    @Test
    void v4KeepsRowsStoredUnderTheV2ColumnsAndRenamesThem() throws Exception {
        String schema = freshSchema();
        PostgresAdmin admin = new PostgresAdmin(config(schema));
        admin.migrate("3");
        try (Connection c = DriverManager.getConnection(PostgresTestServer.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + schema + ".option_snapshots (contract, underlying, snapshot_date, expiration, strike, option_type, bid, volume,"
                    + " open_interest, implied_vol, source, ingest_ts) VALUES ('O:AAPL230616C00150000', 'AAPL', '2022-04-29', '2023-06-16', 150, 'call',"
                    + " 28.9, 8, 8133, 0.357, 'polygon', '2024-11-02T12:00:00Z')");
            st.execute("INSERT INTO " + schema + ".corporate_actions (symbol, type, ex_date, ratio, source, ingest_ts)"
                    + " VALUES ('AAPL', 'split', '2020-08-31', 4, 'yahoo', '2024-11-02T12:00:00Z')");
        }
        assertThat(admin.migrate("4")).first().asString().contains("now at version 4");
        assertThat(text(schema, "SELECT contract, date, contract_type, day_volume, open_interest, implied_volatility, exercise_style FROM option_snapshots"))
                .isEqualTo("O:AAPL230616C00150000|2022-04-29|call|8|8133|0.357|null\n");
        assertThat(text(schema, "SELECT symbol, type, ex_date, numerator, denominator FROM corporate_actions")).isEqualTo("AAPL|split|2020-08-31|null|null\n");
        admin.migrate(null);
        assertThat(new OptionSnapshotsWriter(admin).write(List.of(call150(150, 29d)), run(1))).as("the writer updates the migrated row").isEqualTo(1);
        assertThat(text(schema, "SELECT count(*), max(exercise_style) FROM option_snapshots")).isEqualTo("1|american\n");
    }
}
