package io.stockingest.source.polygon;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.model.Symbol;
import io.stockingest.core.model.Venue;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PolygonTickersTest {
    private static PolygonTickers of(String symbol) {
        return PolygonTickers.of(Symbol.parse(symbol));
    }

    @Test
    void cryptoFxAndIndicesGetPolygonsPrefixesAndTheirVenues() {
        assertThat(of("BTC-USD")).isEqualTo(new PolygonTickers("X:BTCUSD", Venue.CRYPTO, ZoneId.of("UTC")));
        assertThat(of("EURUSD=X")).isEqualTo(new PolygonTickers("C:EURUSD", Venue.FX, ZoneId.of("UTC")));
        assertThat(of("^SPX")).isEqualTo(new PolygonTickers("I:SPX", Venue.US, ZoneId.of("America/New_York")));
    }

    @Test
    void stocksKeepTheirSpellingAndANewYorkDate() {
        assertThat(of("BRK.B")).isEqualTo(new PolygonTickers("BRK.B", Venue.US, ZoneId.of("America/New_York")));
        assertThat(of("AAPL").usHours()).isTrue();
        assertThat(of("ETH-USD").usHours()).isFalse();
    }
}
