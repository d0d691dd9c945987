package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.model.Symbol;
import org.junit.jupiter.api.Test;

class SymbolsTest {
    @Test
    void parsesTheTextOfATickersObjectLikeAFile() {
        ConfigProblems problems = new ConfigProblems();
        assertThat(Symbols.parseText("\uFEFFname,symbol\nApple,AAPL\n# comment\n\nBerkshire,brk-b\nApple again,AAPL\n", "s3://b/config/tickers.csv", problems))
                .containsExactly(Symbol.parse("AAPL"), Symbol.parse("BRK.B"));
        assertThat(problems.problems()).isEmpty();
    }

    @Test
    void namesTheObjectAndLineOfAnInvalidSymbol() {
        ConfigProblems problems = new ConfigProblems();
        assertThat(Symbols.parseText("AAPL\nnot a symbol!\n", "s3://b/config/tickers.txt", problems)).containsExactly(Symbol.parse("AAPL"));
        assertThat(problems.problems()).singleElement().asString().startsWith("tickers.txt line 2: ");
    }
}
