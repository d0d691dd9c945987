package io.stockingest.core.model;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a provider writes a {@link Symbol}: each source declares its own ({@code SourceFactory.spelling()}) and spells
 * every symbol it sends with it. Parsing back goes through {@link Symbol#parse}, which accepts every spelling here.
 */
@FunctionalInterface
public interface SymbolSpelling {
    /** The canonical spelling: share classes with a dot ({@code BRK.B}). */
    SymbolSpelling CANONICAL = Symbol::value;

    /**
     * Share classes with a dash ({@code BRK-B}); exchange suffixes such as {@code WSU.DE} kept, and so are the
     * one-letter ones (London {@code .L}, Tokyo {@code .T}, Frankfurt {@code .F}, TSX Venture {@code .V}):
     * {@code OCDO.L} is no share class L.
     */
    SymbolSpelling DASHED_SHARE_CLASS = new SymbolSpelling() {
        private static final Pattern DOT_SHARE_CLASS = Pattern.compile("([A-Z0-9]+)\\.([A-Z])");
        private static final Set<String> EXCHANGE_LETTERS = Set.of("L", "T", "F", "V");

        @Override
        public String spell(Symbol symbol) {
            var dot = DOT_SHARE_CLASS.matcher(symbol.value());
            return dot.matches() && !EXCHANGE_LETTERS.contains(dot.group(2)) ? dot.group(1) + "-" + dot.group(2) : symbol.value();
        }
    };

    String spell(Symbol symbol);
}
