package io.stockingest.sink.s3;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.FeatureCalculator;
import io.stockingest.core.features.FeatureSeries;
import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.LakeSchemas;
import io.stockingest.lake.ParquetFiles;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;

/**
 * The lake's feature files: {@code features/prices/symbol=S/year=Y/S-Y.parquet} ({@code price_features}) and
 * {@code features/cumulative_7d/symbol=S/year=Y/S-Y.parquet} ({@code price_cumulative_7d}), one per symbol and year
 * whatever the price layout, rewritten whole when a batch wrote price files of the symbol.
 *
 * <p>After a batch, the features are computed by {@link FeatureCalculator} from the first session the batch wrote
 * on, over the sessions the lake then holds from there (the batch's, and those of price files it did not write), with
 * the {@link StoredTail} of the 49 sessions before, which this class reads from the feature files themselves
 * ({@code price_features} has each session's close, the last {@code price_cumulative_7d} row the open, high, low,
 * close and volume of the last 7): a daily run reads two small files per symbol, not 49 daily price files. Rows of
 * the first year before the first written session are kept from its files. Where a year that holds price rows before
 * the first written session has no feature files (a lake written before features existed, or with
 * {@code --no-features}), or where the feature files do not hold the last stored session before the first written
 * one (it was written with {@code --no-features}), the symbol's features are recomputed from all its price files
 * instead.
 *
 * <p>Two processes writing the same symbol at once may leave the feature files of the one that finished last; a rerun
 * with {@code --force} recomputes them. Thread-safe for different symbols (each call touches one symbol's keys).
 */
final class LakeFeatures {
    private static final Pattern DAILY_FILE = Pattern.compile(".*/year=\\d{4}/month=\\d{2}/[^/]+-(\\d{4}-\\d{2}-\\d{2})\\.parquet");
    private static final Pattern YEARLY_FILE = Pattern.compile(".*/year=(\\d{4})/[^/]+-(\\d{4})\\.parquet");

    private final LakeStorage storage;
    private final LakeLayout layout;

    LakeFeatures(LakeStorage storage, LakeLayout layout) {
        this.storage = requireNonNull(storage, "storage is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    /**
     * The symbol's feature files from the year of {@code first} on, computed; the caller writes them.
     *
     * @param fileRows every row of the price files the batch writes (after these features), by date (a merged yearly
     *     file's old rows too)
     * @param writtenKeys the keys of those files
     * @param first the first session the batch writes (changes)
     * @return the feature files to write (whole, replacing what is there), none when nothing is stored from {@code first} on
     */
    List<FeatureFile> update(Symbol symbol, NavigableMap<LocalDate, Bar> fileRows, Set<String> writtenKeys, LocalDate first, Instant ingestTs) {
        Map<String, PriceFile> prices = priceFiles(layout.pricesOf(symbol));
        int firstYear = first.getYear();
        Set<String> featureKeys = storage.list(layout.featuresOf(symbol));
        Set<String> cumulativeKeys = storage.list(layout.cumulativeOf(symbol));
        // the years holding sessions before `first`: their feature files must be there to give the tail
        Set<Integer> before = new java.util.TreeSet<>();
        prices.forEach((key, file) -> {
            if (!writtenKeys.contains(key) && file.startsBefore(first)) {
                before.add(file.year());
            }
        });
        fileRows.headMap(first, false).keySet().forEach(date -> before.add(date.getYear()));
        boolean featuresCoverTheTail = before.stream()
                .allMatch(year -> featureKeys.contains(layout.features(symbol, year)) && cumulativeKeys.contains(layout.cumulative(symbol, year)));
        List<Session> tail = List.of();
        Map<Integer, List<GenericRecord>> keptFeatures = new HashMap<>();
        Map<Integer, List<GenericRecord>> keptCumulative = new HashMap<>();
        if (featuresCoverTheTail) {
            tail = tailFromFeatures(symbol, first, featureKeys, cumulativeKeys, keptFeatures, keptCumulative);
            // the feature files must hold the last stored session before `first`: not when it was written without
            // features (--no-features) after the files; then the series is recomputed, as PostgreSQL and Snowflake do
            Optional<LocalDate> last = lastStoredBefore(first, prices, writtenKeys, fileRows, tail.isEmpty() ? null : tail.getLast().date());
            if (last.isPresent() && (tail.isEmpty() || !tail.getLast().date().equals(last.get()))) {
                featuresCoverTheTail = false;
                tail = List.of();
                keptFeatures.clear();
                keptCumulative.clear();
            }
        }
        LocalDate from = featuresCoverTheTail ? first : LocalDate.MIN;

        // the sessions stored from `from` on: the written files' rows win over other files' (daily over yearly)
        TreeMap<LocalDate, Session> sessions = new TreeMap<>();
        prices.entrySet().stream().filter(e -> !writtenKeys.contains(e.getKey()) && e.getValue().mayHoldFrom(from))
                .sorted((a, b) -> Boolean.compare(a.getValue().daily(), b.getValue().daily())) // yearly first, then daily over them
                .forEach(e -> ParquetFiles.read(storage.get(e.getKey())).forEach(r -> {
                    LocalDate date = LakeSchemas.dateOf(r);
                    if (!date.isBefore(from)) {
                        sessions.put(date, Session.of(LakeSchemas.toBar(r, Interval.D1)));
                    }
                }));
        fileRows.tailMap(from, true).forEach((date, bar) -> sessions.put(date, Session.of(bar)));
        if (sessions.isEmpty()) {
            return List.of();
        }

        FeatureSeries computed = FeatureCalculator.compute(symbol, tail, List.copyOf(sessions.values()));

        Map<Integer, List<GenericRecord>> features = new TreeMap<>(keptFeatures); // the lists are this method's own
        Map<Integer, List<GenericRecord>> cumulative = new TreeMap<>(keptCumulative);
        for (int i = 0; i < computed.size(); i++) {
            int year = computed.date(i).getYear();
            features.computeIfAbsent(year, y -> new ArrayList<>()).add(LakeSchemas.features(computed, i, ingestTs));
            cumulative.computeIfAbsent(year, y -> new ArrayList<>()).add(LakeSchemas.cumulative(computed, i, ingestTs));
        }
        List<FeatureFile> files = new ArrayList<>();
        for (var year : features.entrySet()) {
            if (featuresCoverTheTail && year.getKey() < firstYear) {
                continue;
            }
            files.add(new FeatureFile(layout.features(symbol, year.getKey()), LakeSchemas.FEATURES, year.getValue()));
            files.add(new FeatureFile(layout.cumulative(symbol, year.getKey()), LakeSchemas.CUMULATIVE_7D, cumulative.get(year.getKey())));
        }
        return files;
    }

    /**
     * The last {@link StoredTail#SESSIONS} sessions the symbol's price files hold before {@code first}, oldest first
     * (a date in a daily and a yearly file counts once, the daily file's row winning).
     */
    List<Session> storedTail(Symbol symbol, LocalDate first) {
        Map<String, PriceFile> prices = priceFiles(layout.pricesOf(symbol));
        // newest year first; within a year the yearly file before the daily files, so a daily row replaces it
        List<Map.Entry<String, PriceFile>> candidates = prices.entrySet().stream().filter(e -> e.getValue().startsBefore(first))
                .sorted(java.util.Comparator.<Map.Entry<String, PriceFile>>comparingInt(e -> e.getValue().year()).reversed()
                        .thenComparing(e -> e.getValue().daily()))
                .toList();
        TreeMap<LocalDate, Session> sessions = new TreeMap<>();
        Integer doneYear = null;
        for (Map.Entry<String, PriceFile> e : candidates) {
            int year = e.getValue().year();
            if (doneYear != null && year < doneYear && sessions.size() >= StoredTail.SESSIONS) {
                break; // every year from here is older than the 49 sessions already read
            }
            doneYear = year;
            for (GenericRecord r : ParquetFiles.read(storage.get(e.getKey()))) {
                LocalDate date = LakeSchemas.dateOf(r);
                if (date.isBefore(first)) {
                    sessions.put(date, Session.of(LakeSchemas.toBar(r, Interval.D1)));
                }
            }
        }
        List<Session> all = List.copyOf(sessions.values());
        return all.subList(Math.max(0, all.size() - StoredTail.SESSIONS), all.size());
    }

    /**
     * The last session stored before {@code first}: from the names of the daily price files, the batch's rows, and the
     * rows of a yearly price file the batch did not write only when it may hold a later session than those (a later
     * year, or the same year when those do not end on {@code featuresLast}, the feature files' last session): a daily
     * run after a yearly backfill reads no price file here.
     */
    private Optional<LocalDate> lastStoredBefore(LocalDate first, Map<String, PriceFile> prices, Set<String> writtenKeys,
            NavigableMap<LocalDate, Bar> fileRows, LocalDate featuresLast) {
        LocalDate last = fileRows.headMap(first, false).isEmpty() ? null : fileRows.headMap(first, false).lastKey();
        for (var e : prices.entrySet()) {
            if (!writtenKeys.contains(e.getKey()) && e.getValue().daily() && e.getValue().startsBefore(first)) {
                LocalDate date = e.getValue().date().orElseThrow();
                last = last == null || date.isAfter(last) ? date : last;
            }
        }
        LocalDate named = last;
        for (var e : prices.entrySet()) {
            PriceFile file = e.getValue();
            boolean mayBeLater = named == null || file.year() > named.getYear() || file.year() == named.getYear() && !named.equals(featuresLast);
            if (!writtenKeys.contains(e.getKey()) && !file.daily() && file.startsBefore(first) && mayBeLater) {
                for (GenericRecord r : ParquetFiles.read(storage.get(e.getKey()))) {
                    LocalDate date = LakeSchemas.dateOf(r);
                    if (date.isBefore(first) && (last == null || date.isAfter(last))) {
                        last = date;
                    }
                }
            }
        }
        return Optional.ofNullable(last);
    }

    /**
     * Lists the symbol's feature folders, which deletes the stale temporaries a killed run left there (see
     * {@link LocalLakeStorage}); {@link #update} lists them too.
     */
    void cleanTemporaries(Symbol symbol) {
        storage.list(layout.featuresOf(symbol));
        storage.list(layout.cumulativeOf(symbol));
    }

    /** A feature file to (re)write whole: its key and rows. */
    record FeatureFile(String key, org.apache.avro.Schema schema, List<GenericRecord> rows) {
        void writeTo(LakeStorage storage) {
            storage.put(key, ParquetFiles.write(schema, rows));
        }
    }

    /**
     * The last 49 sessions before {@code first} from the feature files (closes from {@code price_features}, the last
     * 7 sessions' prices and volumes from the last {@code price_cumulative_7d} row); fills {@code keptFeatures} /
     * {@code keptCumulative} with the rows of the first year before {@code first}.
     */
    private List<Session> tailFromFeatures(Symbol symbol, LocalDate first, Set<String> featureKeys, Set<String> cumulativeKeys,
            Map<Integer, List<GenericRecord>> keptFeatures, Map<Integer, List<GenericRecord>> keptCumulative) {
        List<GenericRecord> closesNewestFirst = new ArrayList<>();
        GenericRecord lastCumulative = null;
        int firstYear = first.getYear();
        // a year with one of its two feature files only (a run stopped between them) holds no session before `first`:
        // the update would not read the tail from the feature files otherwise (it needs both files of those years)
        List<Integer> years = featureKeys.stream().map(LakeFeatures::yearOf).filter(y -> y <= firstYear)
                .filter(y -> cumulativeKeys.contains(layout.cumulative(symbol, y))).sorted(java.util.Comparator.reverseOrder()).toList();
        for (int year : years) {
            if (closesNewestFirst.size() >= StoredTail.SESSIONS && lastCumulative != null) {
                break;
            }
            List<GenericRecord> rows = ParquetFiles.read(storage.get(layout.features(symbol, year))).stream()
                    .filter(r -> LakeSchemas.dateOf(r).isBefore(first)).toList();
            List<GenericRecord> cumulativeRows = lastCumulative == null || year == firstYear
                    ? ParquetFiles.read(storage.get(layout.cumulative(symbol, year))).stream().filter(r -> LakeSchemas.dateOf(r).isBefore(first)).toList()
                    : List.of();
            if (year == firstYear) {
                keptFeatures.put(year, new ArrayList<>(rows.stream().map(r -> LakeSchemas.forWriting(LakeSchemas.FEATURES, r)).toList()));
                keptCumulative.put(year, new ArrayList<>(cumulativeRows.stream().map(r -> LakeSchemas.forWriting(LakeSchemas.CUMULATIVE_7D, r)).toList()));
            }
            if (lastCumulative == null && !cumulativeRows.isEmpty()) {
                lastCumulative = cumulativeRows.getLast();
            }
            for (int i = rows.size() - 1; i >= 0 && closesNewestFirst.size() < StoredTail.SESSIONS; i--) {
                closesNewestFirst.add(rows.get(i));
            }
        }
        List<Session> tail = new ArrayList<>(closesNewestFirst.size());
        int withPrices = lastCumulative == null ? 0 : ((List<?>) lastCumulative.get("closes")).size();
        for (int i = closesNewestFirst.size() - 1; i >= 0; i--) {
            GenericRecord r = closesNewestFirst.get(i);
            LocalDate date = LakeSchemas.dateOf(r);
            double close = (Double) r.get("close");
            int k = withPrices - 1 - i; // position in the last cumulative row's lists (oldest first), for the newest 7
            if (i < withPrices) {
                tail.add(new Session(date, value(lastCumulative, "opens", k), value(lastCumulative, "highs", k), value(lastCumulative, "lows", k), close,
                        ((Number) ((List<?>) lastCumulative.get("volumes")).get(k)).longValue()));
            } else {
                // older than the arrays reach: only the close is read by the calculator (StoredTail)
                tail.add(new Session(date, close, close, close, close, 0));
            }
        }
        return tail;
    }

    private static double value(GenericRecord r, String list, int k) {
        return ((Number) ((List<?>) r.get(list)).get(k)).doubleValue();
    }

    private static int yearOf(String featureKey) {
        Matcher m = YEARLY_FILE.matcher(featureKey);
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    /** The symbol's daily and yearly price files (temporaries and other names left out). */
    private Map<String, PriceFile> priceFiles(String prefix) {
        Map<String, PriceFile> out = new HashMap<>();
        for (String key : storage.list(prefix)) {
            Matcher daily = DAILY_FILE.matcher(key);
            if (daily.matches()) {
                LocalDate date = LocalDate.parse(daily.group(1));
                out.put(key, new PriceFile(date.getYear(), Optional.of(date)));
                continue;
            }
            Matcher yearly = YEARLY_FILE.matcher(key);
            if (yearly.matches() && yearly.group(1).equals(yearly.group(2))) {
                out.put(key, new PriceFile(Integer.parseInt(yearly.group(1)), Optional.empty()));
            }
        }
        return out;
    }

    /** A price file: a daily one (its date) or a yearly one. */
    private record PriceFile(int year, Optional<LocalDate> date) {
        boolean daily() {
            return date.isPresent();
        }

        boolean startsBefore(LocalDate first) {
            return date.map(d -> d.isBefore(first)).orElse(year <= first.getYear() && LocalDate.of(year, 1, 1).isBefore(first));
        }

        boolean mayHoldFrom(LocalDate from) {
            return date.map(d -> !d.isBefore(from)).orElse(from.equals(LocalDate.MIN) || year >= from.getYear());
        }
    }
}
