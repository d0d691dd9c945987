package io.stockingest.source.polygon;

import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * Polygon's ticker for a symbol and the venue it implies. Polygon prefixes what is not a US stock: {@code X:} crypto
 * ({@code BTC-USD} here is {@code X:BTCUSD}), {@code C:} FX ({@code EURUSD=X} is {@code C:EURUSD}), {@code I:}
 * indices ({@code ^SPX} is {@code I:SPX}). Stateless and thread-safe.
 */
record PolygonTickers(String ticker, Venue venue, ZoneId dateZone) {
    private static final Pattern CRYPTO = Pattern.compile("([A-Z0-9]{2,10})-([A-Z]{3,4})");
    private static final Pattern FX = Pattern.compile("([A-Z]{6})=X");
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /**
     * The ticker, venue and the zone Polygon's bars are dated in for {@code symbol}: crypto and FX day bars start at
     * 00:00 UTC and are dated in UTC; stocks and indices in New York.
     */
    static PolygonTickers of(Symbol symbol) {
        String value = symbol.value();
        var crypto = CRYPTO.matcher(value);
        if (crypto.matches() && Venue.bySuffix(symbol).filter(Venue.CRYPTO::equals).isPresent()) {
            return new PolygonTickers("X:" + crypto.group(1) + crypto.group(2), Venue.CRYPTO, UTC);
        }
        var fx = FX.matcher(value);
        if (fx.matches()) {
            return new PolygonTickers("C:" + fx.group(1), Venue.FX, UTC);
        }
        if (value.startsWith("^")) {
            return new PolygonTickers("I:" + value.substring(1), Venue.US, NEW_YORK);
        }
        return new PolygonTickers(PolygonClient.SPELLING.spell(symbol), Venue.US, NEW_YORK);
    }

    /** Whether the NYSE's hours apply (US stocks and indices), not crypto's or FX's. */
    boolean usHours() {
        return venue.equals(Venue.US);
    }
}
