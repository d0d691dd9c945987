package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * A split or a cash dividend.
 *
 * @param amount cash per share for a dividend; null for a split
 * @param numerator new shares for a split ({@code 4} in 4:1); null for a dividend
 * @param denominator old shares for a split ({@code 1} in 4:1); null for a dividend
 */
public record CorporateAction(
        Symbol symbol,
        Type type,
        LocalDate exDate,
        Double amount,
        Double numerator,
        Double denominator,
        LocalDate recordDate,
        LocalDate payDate,
        LocalDate declarationDate,
        String currency,
        String source) {

    public enum Type {
        SPLIT("split"),
        DIVIDEND("dividend");

        private final String code;

        Type(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public CorporateAction {
        requireNonNull(symbol, "symbol is null");
        requireNonNull(type, "type is null");
        requireNonNull(exDate, "exDate is null");
        requireNonNull(source, "source is null");
    }
}
