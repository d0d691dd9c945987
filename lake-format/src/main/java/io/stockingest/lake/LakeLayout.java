package io.stockingest.lake;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * The Hive-style keys of PRODUCT.md's lake layout, relative to the lake root. Every part comes from a validated
 * value ({@link Symbol}, dates, run ids of digits), so no key can leave the lake.
 *
 * @param rawPrefix the folder of provider data ({@code S3_RAW_PREFIX}, default {@code raw})
 */
public record LakeLayout(String rawPrefix) {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_=-]+(/[A-Za-z0-9_=-]+)*");
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Za-z-]+");

    public LakeLayout {
        requireNonNull(rawPrefix, "rawPrefix is null");
        if (!PREFIX.matcher(rawPrefix).matches()) {
            throw new IllegalArgumentException("S3_RAW_PREFIX '" + rawPrefix + "' must be folder names of letters, digits, '_', '-' or '=', separated by '/'");
        }
    }

    public static final LakeLayout DEFAULT = new LakeLayout("raw");

    /** The layout {@code S3_RAW_PREFIX} names (default {@code raw}); a bad prefix is a {@code CONFIG} error. */
    public static LakeLayout from(Settings settings) {
        try {
            return new LakeLayout(settings.get("S3_RAW_PREFIX", "raw"));
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.CONFIG, e.getMessage(), e);
        }
    }

    public String pricesOf(Symbol symbol) {
        return rawPrefix + "/prices/symbol=" + symbol.value() + "/";
    }

    public String dailyPrice(Symbol symbol, LocalDate date) {
        return pricesOf(symbol) + String.format("year=%04d/month=%02d/%s-%s.parquet", date.getYear(), date.getMonthValue(), symbol.value(), date);
    }

    public String yearlyPrice(Symbol symbol, int year) {
        return pricesOf(symbol) + String.format("year=%04d/%s-%04d.parquet", year, symbol.value(), year);
    }

    /** {@code features/prices/symbol=S/}: the symbol's {@code price_features} files, one per year. */
    public String featuresOf(Symbol symbol) {
        return "features/prices/symbol=" + symbol.value() + "/";
    }

    public String features(Symbol symbol, int year) {
        return featuresOf(symbol) + String.format("year=%04d/%s-%04d.parquet", year, symbol.value(), year);
    }

    /** {@code features/cumulative_7d/symbol=S/}: the symbol's {@code price_cumulative_7d} files, one per year. */
    public String cumulativeOf(Symbol symbol) {
        return "features/cumulative_7d/symbol=" + symbol.value() + "/";
    }

    public String cumulative(Symbol symbol, int year) {
        return cumulativeOf(symbol) + String.format("year=%04d/%s-%04d.parquet", year, symbol.value(), year);
    }

    public String intradayOf(Interval interval, Symbol symbol) {
        return rawPrefix + "/intraday/interval=" + interval.code() + "/symbol=" + symbol.value() + "/";
    }

    public String intraday(Interval interval, Symbol symbol, LocalDate date) {
        return intradayOf(interval, symbol) + String.format("year=%04d/month=%02d/%s-%s.parquet", date.getYear(), date.getMonthValue(), symbol.value(), date);
    }

    public String statement(io.stockingest.core.model.StatementType type, Symbol symbol, LocalDate periodEnd) {
        return rawPrefix + "/fundamentals/type=" + type.code() + "/symbol=" + symbol.value()
                + String.format("/year=%04d/docdate=%s/%s-%s.parquet", periodEnd.getYear(), periodEnd, symbol.value(), periodEnd);
    }

    public String statementsOf(io.stockingest.core.model.StatementType type, Symbol symbol) {
        return rawPrefix + "/fundamentals/type=" + type.code() + "/symbol=" + symbol.value() + "/";
    }

    public String optionsOf(Symbol underlying) {
        return rawPrefix + "/options/underlying=" + underlying.value() + "/";
    }

    public String options(Symbol underlying, LocalDate date) {
        return optionsOf(underlying) + "date=" + date + "/" + underlying.value() + "-" + date + ".parquet";
    }

    public String actions(io.stockingest.core.model.CorporateAction.Type type, Symbol symbol) {
        return rawPrefix + "/actions/type=" + type.code() + "/symbol=" + symbol.value() + "/" + symbol.value() + "-" + type.code() + "s.parquet";
    }

    /** {@code raw/quotes/date=D/symbol=S/S-D-HHMM.parquet}, HHMM the New York time of the batch's first quote. */
    public String quotes(Symbol symbol, java.time.ZonedDateTime first) {
        LocalDate date = first.toLocalDate();
        return rawPrefix + "/quotes/date=" + date + "/symbol=" + symbol.value() + "/" + symbol.value() + "-" + date
                + String.format("-%02d%02d.parquet", first.getHour(), first.getMinute());
    }

    public String quarantine(String dataset, LocalDate date, String runId) {
        return "quarantine/" + dataset + "/run_date=" + date + "/run-" + checkRunId(runId) + ".parquet";
    }

    /** The folder of a symbol's checked-sessions markers (daily bars), see docs/lake-layout.md. */
    public String checkedOf(Symbol symbol) {
        return pricesOf(symbol) + "_checked/";
    }

    /** One run's checked-sessions marker for a symbol. */
    public String checkedMarker(Symbol symbol, String runId) {
        return checkedOf(symbol) + "run-" + checkRunId(runId) + ".txt";
    }

    public String runMetrics(LocalDate date, String runId) {
        return "logs/ingest/date=" + date + "/run-" + checkRunId(runId) + ".json";
    }

    private static String checkRunId(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id '" + runId + "' must be letters, digits and '-'");
        }
        return runId;
    }
}
