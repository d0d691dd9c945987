package io.stockingest.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class VenueTest {
    private static String venueOf(String symbol) {
        return Venue.ofSymbol(Symbol.parse(symbol)).code();
    }

    @Test
    void infersTheVenueFromTheSymbolsSuffix() {
        assertThat(venueOf("OCDO.L")).isEqualTo("XLON");
        assertThat(venueOf("WSU.DE")).isEqualTo("XETR");
        assertThat(venueOf("RY.TO")).isEqualTo("XTSE");
        assertThat(venueOf("7203.T")).isEqualTo("XTKS");
        assertThat(venueOf("0700.HK")).isEqualTo("XHKG");
        assertThat(venueOf("600497.SS")).isEqualTo("XSHG");
        assertThat(venueOf("000001.SZ")).isEqualTo("XSHE");
        assertThat(venueOf("BTC-USD")).isEqualTo("CRYPTO");
        assertThat(venueOf("EURUSD=X")).isEqualTo("FX");
        assertThat(venueOf("WSKT.JK")).isEqualTo("XIDX");
    }

    @Test
    void aSymbolWithoutSuffixAndAShareClassAreUsListings() {
        assertThat(venueOf("AAPL")).isEqualTo("US");
        assertThat(venueOf("BRK.B")).as("a share class, not an exchange").isEqualTo("US");
        assertThat(venueOf("^GSPC")).isEqualTo("US");
    }

    @Test
    void knowsItsVenuesByCodeAndRefusesBadCodes() {
        assertThat(Venue.known("xlon")).contains(Venue.XLON);
        assertThat(Venue.XLON.zone()).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(Venue.known("XPAR")).as("a suffix venue, not a named one").isEmpty();
        assertThatThrownBy(() -> new Venue("x-1", ZoneId.of("UTC"))).hasMessage("Invalid venue 'x-1': use 2-12 characters of A-Z and 0-9 (e.g. XNYS, XLON, CRYPTO)");
    }
}
