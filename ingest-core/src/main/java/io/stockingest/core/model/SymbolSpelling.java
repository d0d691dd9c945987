package io.stockingest.core.model;

import java.util.regex.Pattern;

/**
 * How a provider writes a {@link Symbol}: each source declares its own ({@code SourceFactory.spelling()}) and spells
 * every symbol it sends with it. Parsing back goes through {@link Symbol#parse}, which accepts every spelling here.
 */
@FunctionalInterface
public interface SymbolSpelling {
    /** The canonical spelling: share classes with a dot ({@code BRK.B}). */
    SymbolSpelling CANONICAL = Symbol::value;

    /** Share classes with a dash ({@code BRK-B}); exchange suffixes such as {@code WSU.DE} kept. */
    SymbolSpelling DASHED_SHARE_CLASS = new SymbolSpelling() {
        private static final Pattern DOT_SHARE_CLASS = Pattern.compile("([A-Z0-9]+)\\.([A-Z])");

        @Override
        public String spell(Symbol symbol) {
            var dot = DOT_SHARE_CLASS.matcher(symbol.value());
            return dot.matches() ? dot.group(1) + "-" + dot.group(2) : symbol.value();
        }
    };

    String spell(Symbol symbol);
}
