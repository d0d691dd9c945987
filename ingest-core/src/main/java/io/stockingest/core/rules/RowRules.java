package io.stockingest.core.rules;

import static io.stockingest.core.rules.Condition.aboveLeast;
import static io.stockingest.core.rules.Condition.belowGreatest;
import static io.stockingest.core.rules.Condition.column;
import static io.stockingest.core.rules.Condition.negative;
import static io.stockingest.core.rules.Condition.notPositive;

import io.stockingest.core.model.Bar;
import io.stockingest.core.model.OptionSnapshot;
import java.util.List;

/**
 * PRODUCT.md's row rules on values, each defined once here and used by the validator ({@code BarValidator}) and by
 * every SQL gate (PostgreSQL's bar load and dataset upserts, Snowflake's staged loads). The calendar rules
 * ({@code out_of_range}, {@code not_a_session}, {@code outside_session}) depend on the request and the NYSE calendar,
 * not on the row alone, and stay in the validator; the SQL gates do not check them.
 */
public final class RowRules {
    private static final Condition.Column<Bar> OPEN = column("open", Bar::open);
    private static final Condition.Column<Bar> HIGH = column("high", Bar::high);
    private static final Condition.Column<Bar> LOW = column("low", Bar::low);
    private static final Condition.Column<Bar> CLOSE = column("close", Bar::close);
    private static final Condition.Column<Bar> VOLUME = column("volume", bar -> bar.volume());

    /** open, high, low, close present, numbers and positive. */
    public static final RowRule<Bar> PRICES_POSITIVE = RowRule.of("prices_positive", "a missing or non-positive price",
            notPositive(OPEN, HIGH, LOW, CLOSE), RowRules::prices);
    /** {@code high >= max(open, close)} and {@code low <= min(open, close)}, for prices that keep {@link #PRICES_POSITIVE}. */
    public static final RowRule<Bar> OHLC_CONSISTENT = new RowRule<>("ohlc_consistent",
            List.of(new RowRule.Clause<>("high < max(open, close)", belowGreatest(HIGH, OPEN, CLOSE)),
                    new RowRule.Clause<>("low > min(open, close)", aboveLeast(LOW, OPEN, CLOSE))),
            List.of(PRICES_POSITIVE), RowRules::prices);
    /** volume present and not negative. */
    public static final RowRule<Bar> VOLUME_NON_NEGATIVE = RowRule.of("volume_non_negative", "negative volume",
            negative(VOLUME), bar -> "volume " + bar.volume());
    /** The value rules of a bar, in the order the validator checks them (a bar is quarantined under the first it breaks). */
    public static final List<RowRule<Bar>> BAR = List.of(PRICES_POSITIVE, OHLC_CONSISTENT, VOLUME_NON_NEGATIVE);

    /** An option contract's strike present, a number and positive. */
    public static final RowRule<OptionSnapshot> STRIKE_POSITIVE = RowRule.of("strike_positive", "a missing or non-positive strike",
            notPositive(column("strike", OptionSnapshot::strike)), o -> "strike " + o.strike());

    private RowRules() {}

    /** {@code key_present}: none of the key columns is NULL (a SQL gate's check of staged rows; see {@link Condition#keyMissing}). */
    public static <T> RowRule<T> keyPresent(List<String> columns) {
        return RowRule.of("key_present", "a missing key", Condition.keyMissing(columns), row -> "key " + columns + " missing");
    }

    private static String prices(Bar bar) {
        return String.format("open %s high %s low %s close %s", bar.open(), bar.high(), bar.low(), bar.close());
    }
}
