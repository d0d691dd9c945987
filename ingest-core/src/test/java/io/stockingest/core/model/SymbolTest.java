package io.stockingest.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SymbolTest {
    @Test
    void parsesAndSpellsShareClassesPerProvider() {
        Symbol brk = Symbol.parse(" brk-b ");
        assertThat(brk.value()).isEqualTo("BRK.B");
        assertThat(SymbolSpelling.CANONICAL.spell(brk)).as("Polygon's spelling").isEqualTo("BRK.B");
        assertThat(SymbolSpelling.DASHED_SHARE_CLASS.spell(brk)).as("Yahoo's and FMP's spelling").isEqualTo("BRK-B");
        assertThat(Symbol.parse("BRK.B")).isEqualTo(brk);
    }

    @Test
    void keepsExchangeSuffixesAndPairs() {
        assertThat(SymbolSpelling.DASHED_SHARE_CLASS.spell(Symbol.parse("wsu.de"))).isEqualTo("WSU.DE");
        assertThat(Symbol.parse("BTC-USD").value()).isEqualTo("BTC-USD");
        assertThat(Symbol.parse("^gspc").value()).isEqualTo("^GSPC");
        assertThat(Symbol.parse("GC=F").value()).isEqualTo("GC=F");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "../../etc/passwd", "A;B", "AAPL;DROP TABLE", "%2e%2e", "A/B", "", " ", "A..B", ".A",
        "AAAAAAAAAAAAAAAAAAAAA", "\u0410APL", "A B", "A'B", "A\nB", "\u0131BM", "\uFB00", "\u017FPY"})
    void rejectsHostileSymbols(String raw) {
        assertThatThrownBy(() -> Symbol.parse(raw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid symbol '")
                .hasMessageContaining("use 1-20 characters");
    }

    @Test
    void errorMessageDefangsControlCharactersAndTruncates() {
        assertThatThrownBy(() -> Symbol.parse("A\u0000" + "X".repeat(100)))
                .hasMessageContaining("\\u0000")
                .hasMessageContaining("...");
    }
}
