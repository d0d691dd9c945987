package io.stockingest.source.polygon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Symbol;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Polygon.io's options: chain snapshots and the contracts reference (providers.md §2.4, §2.5).
 *
 * <p>Thread-safe.
 */
final class PolygonOptions {
    private static final int OPTIONS_SNAPSHOT_LIMIT = 250;
    private final PolygonClient client;
    private final NyseCalendar calendar;
    private final Ticker ticker;

    PolygonOptions(PolygonClient client, NyseCalendar calendar, Ticker ticker) {
        this.client = requireNonNull(client, "client is null");
        this.calendar = requireNonNull(calendar, "calendar is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
    }

    /**
     * The chain snapshot {@code /v3/snapshot/options/{underlying}?limit=250} (+ {@code expiration_date.gte/lte}), all
     * pages (providers.md §2.5). Every market value may be missing. {@code snapshotTime} is the contract's newest of
     * {@code underlying_asset.last_updated}, {@code last_quote.last_updated}, {@code last_trade.sip_timestamp} and
     * {@code day.last_updated} (nanoseconds). {@code date} is one date for the whole chain (one lake partition): the
     * NYSE session of the newest snapshot time, or, when no contract has one, today's session (the last one if
     * today is not a session). Needs an options plan with snapshots; the free plan gets {@code NOT_ENTITLED}.
     *
     * @param expirationFrom first expiration date, or null for no lower bound
     * @param expirationTo last expiration date, or null for no upper bound
     */
    List<OptionSnapshot> chain(Symbol underlying, LocalDate expirationFrom, LocalDate expirationTo) {
        requireNonNull(underlying, "underlying is null");
        String path = "/v3/snapshot/options/" + PolygonRows.segment(PolygonClient.SPELLING.spell(underlying)) + "?limit=" + OPTIONS_SNAPSHOT_LIMIT
                + (expirationFrom == null ? "" : "&expiration_date.gte=" + expirationFrom)
                + (expirationTo == null ? "" : "&expiration_date.lte=" + expirationTo);
        List<JsonNode> rows = client.getAll(path, underlying + " options chain" + expirations(expirationFrom, expirationTo));
        Instant newest = null;
        for (JsonNode row : rows) {
            Instant time = snapshotTime(row);
            if (time != null && (newest == null || time.isAfter(newest))) {
                newest = time;
            }
        }
        LocalDate date = sessionOf(newest == null ? ticker.now() : newest);
        List<OptionSnapshot> out = new ArrayList<>();
        for (JsonNode row : rows) {
            JsonNode details = row.path("details");
            String contract = PolygonRows.text(details, "ticker");
            LocalDate expiration = PolygonRows.date(details, "expiration_date");
            if (contract == null || expiration == null) {
                continue;
            }
            JsonNode day = row.path("day");
            JsonNode greeks = row.path("greeks");
            JsonNode asset = row.path("underlying_asset");
            JsonNode quote = row.path("last_quote");
            Double underlyingPrice = PolygonRows.number(asset, "price");
            out.add(new OptionSnapshot(contract, underlying, PolygonRows.text(details, "contract_type"), PolygonRows.text(details, "exercise_style"),
                    PolygonRows.price(details, "strike_price"), expiration, PolygonRows.number(details, "shares_per_contract"),
                    PolygonRows.number(day, "open"), PolygonRows.number(day, "high"), PolygonRows.number(day, "low"), PolygonRows.number(day, "close"),
                    PolygonRows.number(day, "volume"), PolygonRows.number(day, "vwap"),
                    PolygonRows.number(row, "open_interest"), PolygonRows.number(row, "implied_volatility"),
                    PolygonRows.number(greeks, "delta"), PolygonRows.number(greeks, "gamma"), PolygonRows.number(greeks, "theta"), PolygonRows.number(greeks, "vega"),
                    PolygonRows.number(row, "break_even_price"), underlyingPrice != null ? underlyingPrice : PolygonRows.number(asset, "value"),
                    PolygonRows.number(quote, "bid"), PolygonRows.number(quote, "ask"), PolygonRows.number(quote, "bid_size"),
                    PolygonRows.number(quote, "ask_size"), PolygonRows.number(quote, "midpoint"), PolygonRows.number(row.path("last_trade"), "price"),
                    snapshotTime(row), date, PolygonClient.PROVIDER));
        }
        return List.copyOf(out);
    }

    /**
     * The contracts reference {@code /v3/reference/options/contracts?underlying_ticker=U&limit=1000} (+
     * {@code expiration_date.gte/lte}), all pages (providers.md §2.4): contract terms only, available on plans
     * without snapshots. Market values and {@code snapshotTime} are null; {@code date} is today's session.
     */
    List<OptionSnapshot> contracts(Symbol underlying, LocalDate expirationFrom, LocalDate expirationTo) {
        requireNonNull(underlying, "underlying is null");
        String path = "/v3/reference/options/contracts?underlying_ticker=" + PolygonRows.query(PolygonClient.SPELLING.spell(underlying)) + "&limit=" + PolygonRows.REFERENCE_LIMIT
                + (expirationFrom == null ? "" : "&expiration_date.gte=" + expirationFrom)
                + (expirationTo == null ? "" : "&expiration_date.lte=" + expirationTo);
        List<JsonNode> rows = client.getAll(path, underlying + " option contracts" + expirations(expirationFrom, expirationTo));
        LocalDate date = sessionOf(ticker.now());
        List<OptionSnapshot> out = new ArrayList<>();
        for (JsonNode row : rows) {
            String contract = PolygonRows.text(row, "ticker");
            LocalDate expiration = PolygonRows.date(row, "expiration_date");
            if (contract == null || expiration == null) {
                continue;
            }
            out.add(new OptionSnapshot(contract, underlying, PolygonRows.text(row, "contract_type"), PolygonRows.text(row, "exercise_style"),
                    PolygonRows.price(row, "strike_price"), expiration, PolygonRows.number(row, "shares_per_contract"),
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, date, PolygonClient.PROVIDER));
        }
        return List.copyOf(out);
    }

    private static String expirations(LocalDate from, LocalDate to) {
        if (from == null && to == null) {
            return "";
        }
        return " expiring " + (from == null ? "" : from) + ".." + (to == null ? "" : to);
    }

    private static Instant snapshotTime(JsonNode row) {
        Instant newest = null;
        for (JsonNode node : List.of(row.path("underlying_asset").path("last_updated"), row.path("last_quote").path("last_updated"),
                row.path("last_trade").path("sip_timestamp"), row.path("day").path("last_updated"))) {
            if (node.canConvertToLong() && node.asLong() > 0) {
                long nanos = node.asLong();
                Instant time = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
                if (newest == null || time.isAfter(newest)) {
                    newest = time;
                }
            }
        }
        return newest;
    }

    private LocalDate sessionOf(Instant instant) {
        LocalDate day = instant.atZone(NyseCalendar.NEW_YORK).toLocalDate();
        return calendar.isSession(day) ? day : calendar.previousSession(day);
    }
}
