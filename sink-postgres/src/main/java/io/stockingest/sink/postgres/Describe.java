package io.stockingest.sink.postgres;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** "12 option snapshots of AAPL, MSFT": a batch named in messages (at most five names, then "and N more"). */
final class Describe {
    private Describe() {}

    static String of(int count, String noun, Stream<String> names) {
        TreeSet<String> distinct = names.collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        List<String> shown = distinct.stream().limit(5).toList();
        return count + " " + noun + " of " + String.join(", ", shown) + (distinct.size() > 5 ? " and " + (distinct.size() - 5) + " more" : "");
    }
}
