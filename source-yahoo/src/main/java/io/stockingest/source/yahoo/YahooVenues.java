package io.stockingest.source.yahoo;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;

/**
 * The venue of a chart from its {@code meta}: {@code instrumentType} ({@code CRYPTOCURRENCY}, {@code CURRENCY}),
 * then Yahoo's {@code exchangeName} code, then the symbol's suffix, and last the exchange code itself in
 * {@code exchangeTimezoneName} (a venue with no calendar here). Stateless and thread-safe.
 */
final class YahooVenues {
    /** Yahoo's exchange codes (as in {@code meta.exchangeName}) and the venue each names. */
    private static final Map<String, Venue> EXCHANGES = Map.ofEntries(
            Map.entry("NMS", Venue.XNAS), Map.entry("NGM", Venue.XNAS), Map.entry("NCM", Venue.XNAS), Map.entry("NAS", Venue.XNAS),
            Map.entry("NYQ", Venue.XNYS), Map.entry("PCX", Venue.ARCX), Map.entry("ASE", Venue.XASE), Map.entry("BTS", Venue.BATS),
            Map.entry("PNK", Venue.OTCM), Map.entry("OQB", Venue.OTCM), Map.entry("OQX", Venue.OTCM),
            // US indices: no exchange of their own, the NYSE calendar
            Map.entry("SNP", Venue.US), Map.entry("DJI", Venue.US), Map.entry("NIM", Venue.US), Map.entry("WCB", Venue.US), Map.entry("CXI", Venue.US),
            Map.entry("LSE", Venue.XLON), Map.entry("IOB", Venue.XLON), Map.entry("GER", Venue.XETR), Map.entry("FRA", Venue.XFRA),
            Map.entry("TOR", Venue.XTSE), Map.entry("VAN", Venue.XTSX), Map.entry("JPX", Venue.XTKS), Map.entry("TYO", Venue.XTKS),
            Map.entry("HKG", Venue.XHKG), Map.entry("SHH", Venue.XSHG), Map.entry("SHZ", Venue.XSHE), Map.entry("CCC", Venue.CRYPTO),
            Map.entry("CCY", Venue.FX));

    private YahooVenues() {}

    static Venue of(JsonNode meta, Symbol symbol, ZoneId zone) {
        String type = meta.path("instrumentType").asText("");
        if (type.equals("CRYPTOCURRENCY")) {
            return Venue.CRYPTO;
        }
        if (type.equals("CURRENCY")) {
            return Venue.FX;
        }
        String exchange = meta.path("exchangeName").asText("").strip().toUpperCase(Locale.ROOT);
        Venue known = EXCHANGES.get(exchange);
        if (known != null) {
            return known;
        }
        return Venue.bySuffix(symbol).orElseGet(() -> exchange.matches("[A-Z0-9]{2,12}") ? new Venue(exchange, zone) : Venue.ofSymbol(symbol));
    }
}
