package io.stockingest.source.yahoo;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.EpochTimes;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a {@code /v8/finance/chart} body (providers.md §3.1-3.3).
 *
 * <ul>
 *   <li>the venue from {@code meta} ({@link YahooVenues});</li>
 *   <li>dates come from {@code meta.exchangeTimezoneName} (never {@code gmtoffset}, which is the offset at request
 *       time);</li>
 *   <li>bars with any null price are skipped, never zero-filled; a null volume is read as 0;</li>
 *   <li>the "no data" body (no {@code timestamp}, {@code quote:[{}]}) is an empty result;</li>
 *   <li>{@code chart.error} is an error whatever the HTTP status.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
final class YahooChartParser {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    /** Bars with their exchange time zone, for callers that need it. */
    record Chart(ZoneId zone, List<Bar> bars) {}

    static JsonNode readTree(byte[] body, String what) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": Yahoo answered with something that is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": Yahoo's answer is not valid JSON (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The {@code chart.error} of a body, if it has one. */
    static Optional<JsonNode> error(JsonNode root) {
        JsonNode error = root.path("chart").path("error");
        return error.isMissingNode() || error.isNull() ? Optional.empty() : Optional.of(error);
    }

    static Chart parse(JsonNode root, Symbol symbol, Interval interval, String what) {
        JsonNode results = root.path("chart").path("result");
        if (!results.isArray()) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": Yahoo's answer has no chart.result");
        }
        if (results.isEmpty()) {
            return new Chart(ZoneId.of("America/New_York"), List.of());
        }
        JsonNode result = results.get(0);
        ZoneId zone = zone(result.path("meta"), what);
        Venue venue = YahooVenues.of(result.path("meta"), symbol, zone);
        JsonNode timestamps = result.path("timestamp");
        JsonNode quote = result.path("indicators").path("quote").path(0);
        JsonNode adjclose = result.path("indicators").path("adjclose").path(0).path("adjclose");
        List<Bar> bars = new ArrayList<>();
        if (!timestamps.isArray()) {
            return new Chart(zone, bars);
        }
        // the columns are looked up once, not per row; values are read as primitives (NaN = absent or not a number)
        JsonNode opens = quote.path("open");
        JsonNode highs = quote.path("high");
        JsonNode lows = quote.path("low");
        JsonNode closes = quote.path("close");
        JsonNode volumes = quote.path("volume");
        for (int i = 0; i < timestamps.size(); i++) {
            JsonNode t = timestamps.get(i);
            double open = value(opens, i);
            double high = value(highs, i);
            double low = value(lows, i);
            double close = value(closes, i);
            if (t == null || !t.canConvertToLong() || Double.isNaN(open) || Double.isNaN(high) || Double.isNaN(low) || Double.isNaN(close)) {
                continue;
            }
            Instant ts = epochSecond(t.asLong(), what);
            LocalDate date = ts.atZone(zone).toLocalDate();
            double volume = value(volumes, i);
            Double adj = interval.isIntraday() ? null : number(adjclose.path(i));
            bars.add(new Bar(symbol, interval, ts, date, open, high, low, close, adj, Double.isNaN(volume) ? 0 : Math.round(volume), null, null,
                    "yahoo", Adjustment.SPLITS, venue));
        }
        return new Chart(zone, bars);
    }

    /** The {@code events.dividends} and {@code events.splits} of a chart body, dated in the exchange's time zone. */
    static List<io.stockingest.core.model.CorporateAction> actions(JsonNode root, Symbol symbol, String what) {
        JsonNode results = root.path("chart").path("result");
        if (!results.isArray() || results.isEmpty()) {
            return List.of();
        }
        JsonNode result = results.get(0);
        ZoneId zone = zone(result.path("meta"), what);
        String currency = result.path("meta").path("currency").asText(null);
        List<io.stockingest.core.model.CorporateAction> out = new ArrayList<>();
        result.path("events").path("dividends").forEach(event -> {
            Double amount = number(event.path("amount"));
            if (event.path("date").canConvertToLong() && amount != null) {
                out.add(new io.stockingest.core.model.CorporateAction(symbol, io.stockingest.core.model.CorporateAction.Type.DIVIDEND,
                        epochSecond(event.path("date").asLong(), what).atZone(zone).toLocalDate(), amount, null, null, null, null, null,
                        currency, "yahoo"));
            }
        });
        result.path("events").path("splits").forEach(event -> {
            Double numerator = number(event.path("numerator"));
            Double denominator = number(event.path("denominator"));
            if (event.path("date").canConvertToLong() && numerator != null && denominator != null) {
                out.add(new io.stockingest.core.model.CorporateAction(symbol, io.stockingest.core.model.CorporateAction.Type.SPLIT,
                        epochSecond(event.path("date").asLong(), what).atZone(zone).toLocalDate(), null, numerator, denominator, null, null,
                        null, null, "yahoo"));
            }
        });
        out.sort(java.util.Comparator.comparing(io.stockingest.core.model.CorporateAction::exDate));
        return out;
    }

    /** A Unix time in seconds; a corrupt body's absurd number is a {@code BAD_RESPONSE}, never a java.time exception. */
    private static Instant epochSecond(long seconds, String what) {
        return EpochTimes.seconds(seconds).orElseThrow(() -> new IngestException(ErrorKind.BAD_RESPONSE, what + ": a time of " + seconds
                + " s since 1970 in Yahoo's answer is out of range"));
    }

    private static ZoneId zone(JsonNode meta, String what) {
        String name = meta.path("exchangeTimezoneName").asText("");
        if (name.isEmpty()) {
            return ZoneId.of("America/New_York");
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw new IngestException(ErrorKind.BAD_RESPONSE, what + ": unknown exchange time zone '" + name + "'", e);
        }
    }

    /** Element {@code i} of a column as a double, NaN when absent, null or not a number. */
    private static double value(JsonNode column, int i) {
        JsonNode node = column.get(i);
        return node != null && node.isNumber() ? node.asDouble() : Double.NaN;
    }

    private static Double number(JsonNode node) {
        return node != null && node.isNumber() ? node.asDouble() : null;
    }

    private YahooChartParser() {}
}
