package io.stockingest.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Rows read from a sink by a {@link SinkReader}: column names and rows of JSON-ready values ({@code String},
 * {@code Long}, {@code Double}, {@code Boolean}, lists and string-keyed maps of those, or null). Readers normalise
 * their driver's types to these (dates as ISO strings, timestamps as ISO instants, integers as {@code Long}, decimals
 * as {@code Double}), so two sinks holding the same rows give equal tables. Immutable.
 */
public record Table(List<String> columns, List<List<Object>> rows) {
    public Table {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        List<List<Object>> copied = new ArrayList<>(requireNonNull(rows, "rows is null").size());
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row of " + row.size() + " values for " + columns.size() + " columns");
            }
            copied.add(Collections.unmodifiableList(new ArrayList<>(row))); // values may be null
        }
        rows = Collections.unmodifiableList(copied);
    }

    public static Table empty(List<String> columns) {
        return new Table(columns, List.of());
    }

    public int size() {
        return rows.size();
    }

    /** The values of one column, in row order. */
    public List<Object> column(String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + name + "' in " + columns);
        }
        List<Object> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            out.add(row.get(index));
        }
        return out;
    }
}
