package io.stockingest.core.model;

/** A financial statement, named as in the lake layout ({@code type=income|balance|cashflow}). */
public enum StatementType {
    INCOME("income"),
    BALANCE("balance"),
    CASHFLOW("cashflow");

    private final String code;

    StatementType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static StatementType parse(String code) {
        for (StatementType type : values()) {
            if (type.code.equalsIgnoreCase(code.strip())) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown statement '" + Symbol.printable(code) + "' (known: income, balance, cashflow)");
    }
}
