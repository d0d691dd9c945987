package io.stockingest.sink.s3;

import io.stockingest.lake.LakeSchemas;
import io.stockingest.lake.LakeLayout;
import io.stockingest.lake.ParquetFiles;
import static java.util.Objects.requireNonNull;

import io.stockingest.core.features.Session;
import io.stockingest.core.features.StoredTail;
import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.CorporateAction;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.FinancialStatement;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.OptionSnapshot;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.BarBatch;
import io.stockingest.core.spi.PartialWriteException;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.StoredSessions;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.core.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The Parquet lake: daily bars one file per symbol and session ({@code --backfill}: per symbol and year), intraday
 * bars one file per symbol, interval and session, the run's quarantine and metrics.
 *
 * <p>Existing partitions are found with one listing of the symbol's folder per batch. Under
 * {@link WriteOptions.Existing#SKIP} a daily file that exists is left alone; a yearly file is rewritten only if the
 * batch has sessions the file lacks, and then merged (its rows outside the batch's range are kept), so backfilling a
 * year in parts never loses the earlier part. Under {@code OVERWRITE} the batch's partitions are replaced (yearly
 * files still keep their rows outside the batch's range).
 *
 * <p>A batch's files are encoded and uploaded in parallel on virtual threads; one semaphore per sink bounds the
 * uploads in flight across all batches ({@code maxConcurrency}, {@code S3_MAX_CONCURRENCY}, default 32), which also
 * bounds the encoded bytes held in memory. After the first failure no further file of the batch is started; the
 * files already written are whole (the storage guarantees it) and a rerun skips them.
 *
 * <p>Daily bars come with their features ({@link LakeFeatures}): when a batch writes price files of a symbol, its
 * {@code features/prices/...} and {@code features/cumulative_7d/...} files are rewritten from the year of the first
 * session written on (not with {@link WriteOptions.Features#SKIP}, {@code --no-features}), <em>before</em> the price
 * files: a price file in the lake always has its features, and a run killed in between leaves prices missing, which
 * the rerun fetches, not features missing, which no rerun would notice. They are not counted in the batch's files and
 * rows written, which stay the prices'.
 *
 * <p>Thread-safe: batches of different symbols touch different keys; the storage makes each file appear whole.
 */
public final class LakeSink implements Sink, StoredSessions, StoredTail {
    private final LakeStorage storage;
    private final LakeLayout layout;
    private final String name;
    private final Semaphore uploads;
    private final LakeFeatures features;
    private final Set<String> listedRunFolders = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public static final int DEFAULT_CONCURRENCY = 32;

    public LakeSink(String name, LakeStorage storage, LakeLayout layout) {
        this(name, storage, layout, DEFAULT_CONCURRENCY);
    }

    public LakeSink(String name, LakeStorage storage, LakeLayout layout, int maxConcurrency) {
        this.name = requireNonNull(name, "name is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.layout = requireNonNull(layout, "layout is null");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, not " + maxConcurrency);
        }
        this.uploads = new Semaphore(maxConcurrency);
        ParquetFiles.initialiseInBackground(); // waited for by every method below that reads or writes files
        this.features = new LakeFeatures(storage, layout);
    }

    /** From the symbol's daily and yearly price files: one listing per symbol, then the files that hold the tail, newest first. */
    @Override
    public Map<Symbol, List<Session>> before(Map<Symbol, LocalDate> firstChanged) {
        ParquetFiles.awaitInitialised();
        Map<Symbol, List<Session>> out = new LinkedHashMap<>();
        firstChanged.forEach((symbol, first) -> out.put(symbol, features.storedTail(symbol, first)));
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public WriteResult writeBars(BarBatch batch) {
        ParquetFiles.awaitInitialised();
        if (batch.interval().isIntraday()) {
            return writePartitions(batch, layout.intradayOf(batch.interval(), batch.symbol()),
                    date -> layout.intraday(batch.interval(), batch.symbol(), date), LakeSchemas.INTRADAY, null);
        }
        // the price files to write are planned first; their features are written before them, so a price file in the
        // lake always has its features: a run killed between the two leaves features whose prices are missing, and the
        // rerun fetches those sessions again and rewrites both (never prices without features, which a rerun would skip)
        Written written = new Written();
        boolean store = batch.options().features() == WriteOptions.Features.STORE;
        Runnable beforePrices = () -> {
            if (!store) {
                return;
            }
            if (written.first == null) {
                // nothing to recompute, but a killed run may have left temporaries in the symbol's feature folders:
                // listing them deletes those (as the price folder's listing does for the price files)
                features.cleanTemporaries(batch.symbol());
                return;
            }
            inParallel(features.update(batch.symbol(), written.rows, written.keys, written.first, batch.context().ingestTs()), file -> {
                file.writeTo(storage);
                return WriteResult.NOTHING; // the batch's counts stay the prices'
            });
        };
        return batch.options().layout() == WriteOptions.Layout.DAILY
                ? writePartitions(batch, layout.pricesOf(batch.symbol()), date -> layout.dailyPrice(batch.symbol(), date), LakeSchemas.DAILY,
                        new Planned(written, beforePrices))
                : writeYears(batch, new Planned(written, beforePrices));
    }

    /** The price files a daily batch is about to write ({@code written}), and what to do once they are known, before they are written. */
    private record Planned(Written written, Runnable beforePrices) {
    }

    /** What a daily batch writes: every row of the files it writes, their keys, and the first of the batch's own rows among them. */
    private static final class Written {
        final NavigableMap<LocalDate, Bar> rows = new TreeMap<>();
        final Set<String> keys = new HashSet<>();
        LocalDate first;

        synchronized void add(String key, List<Bar> fileRows, List<Bar> batchRows) {
            keys.add(key);
            fileRows.forEach(bar -> rows.put(bar.date(), bar));
            for (Bar bar : batchRows) {
                if (first == null || bar.date().isBefore(first)) {
                    first = bar.date();
                }
            }
        }
    }

    private WriteResult writePartitions(BarBatch batch, String prefix, Function<LocalDate, String> keyOf, Schema schema, Planned planned) {
        Map<LocalDate, List<Bar>> byDate = batch.bars().stream()
                .collect(Collectors.groupingBy(Bar::date, TreeMap::new, Collectors.toList()));
        boolean overwrite = batch.options().existing() == WriteOptions.Existing.OVERWRITE;
        Set<String> existing = overwrite ? Set.of() : storage.list(prefix);
        WriteResult skipped = WriteResult.NOTHING;
        List<Map.Entry<String, List<Bar>>> todo = new ArrayList<>();
        for (var partition : byDate.entrySet()) {
            String key = keyOf.apply(partition.getKey());
            if (existing.contains(key)) {
                skipped = skipped.plus(new WriteResult(0, 1, 0));
            } else {
                todo.add(Map.entry(key, partition.getValue()));
            }
        }
        if (planned != null) {
            todo.forEach(partition -> planned.written().add(partition.getKey(), partition.getValue(), partition.getValue()));
            planned.beforePrices().run();
        }
        return skipped.plus(inParallel(todo, partition -> {
            byte[] bytes = encode(schema, partition.getValue(), batch.context().ingestTs());
            boolean written = true;
            if (overwrite) {
                storage.put(partition.getKey(), bytes);
            } else {
                written = storage.putIfAbsent(partition.getKey(), bytes);
            }
            return written ? new WriteResult(1, 0, partition.getValue().size()) : new WriteResult(0, 1, 0);
        }));
    }

    /**
     * One listing per symbol prefix, names only ({@link LakeStorage#listNames}: on S3 one paged ListObjectsV2, in a
     * local lake one directory read per {@code year=}/{@code month=} folder of the range's years, no stat per file),
     * on a few platform threads for a local lake and on virtual threads bounded by the sink's concurrency on S3. A
     * daily file is known by its fixed-width name; a yearly file may hold part of its year only (a {@code --backfill}
     * stopped in June), so each yearly file in the range is read, its {@code date} column only
     * ({@link ParquetFiles#readDates}, on a platform thread): one GET per year file on S3, about half a millisecond of
     * decoding.
     */
    @Override
    public Map<Symbol, Stored> storedSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        // no wait here: a year file's dates are read through ParquetFiles, which waits; an empty lake need not
        Map<Symbol, Stored> stored = new LinkedHashMap<>();
        perSymbol(symbols, storage.listingExecutor(), symbol -> listed(symbol, interval, range), "list")
                .forEach((symbol, listed) -> stored.put(symbol, listed.stored()));
        return stored;
    }

    /**
     * One listing with versions per symbol folder ({@link LakeStorage#listVersions}: on S3 the ETags of one paged
     * ListObjectsV2, in a local directory one look at each file): every name, yearly file and checked-sessions marker
     * under it, hashed. A run that writes a daily file, merges into a yearly one or records checked sessions changes it.
     */
    @Override
    public Optional<Map<Symbol, String>> stateTags(Collection<Symbol> symbols, Interval interval) {
        if (symbols.isEmpty() || storage.listVersions(interval.isIntraday() ? layout.intradayOf(interval, symbols.iterator().next())
                : layout.pricesOf(symbols.iterator().next())).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(perSymbol(symbols, storage.listingExecutor(), symbol -> {
            Map<String, String> versions = storage.listVersions(interval.isIntraday() ? layout.intradayOf(interval, symbol) : layout.pricesOf(symbol))
                    .orElseThrow();
            java.security.MessageDigest digest = sha256();
            new TreeMap<>(versions).forEach((key, version) -> digest.update((key + "\t" + version + "\n").getBytes(StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(digest.digest(), 0, 16);
        }, "list"));
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * {@code task} for every symbol on {@code executor}, at most the sink's concurrency at once; the results in the
     * symbols' order. The first failure is rethrown ({@code what} names the action in its message).
     */
    private <T> Map<Symbol, T> perSymbol(Collection<Symbol> symbols, ExecutorService executor, Function<Symbol, T> task, String what) {
        Map<Symbol, Future<T>> futures = new LinkedHashMap<>();
        try (executor) {
            for (Symbol symbol : symbols) {
                futures.put(symbol, executor.submit(() -> {
                    uploads.acquireUninterruptibly();
                    try {
                        return task.apply(symbol);
                    } finally {
                        uploads.release();
                    }
                }));
            }
        }
        Map<Symbol, T> out = new LinkedHashMap<>();
        for (var entry : futures.entrySet()) {
            try {
                out.put(entry.getKey(), entry.getValue().get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IngestException ingest ? ingest
                        : new IngestException(ErrorKind.SINK, "Cannot " + what + " " + entry.getKey() + " in " + name + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestException(ErrorKind.SINK, "Interrupted while listing " + name, e);
            }
        }
        return out;
    }

    /** What one listing of a symbol's bar folder says: the sessions stored, and whether it has a {@code _checked/} folder. */
    private record Listed(Stored stored, boolean hasChecked) {
    }

    private static final String CHECKED_FOLDER = "_checked";

    private Listed listed(Symbol symbol, Interval interval, DateRange range) {
        String prefix = interval.isIntraday() ? layout.intradayOf(interval, symbol) : layout.pricesOf(symbol);
        int fromYear = range.from().getYear();
        int toYear = range.to().getYear();
        Set<LocalDate> dates = new HashSet<>();
        // the listing is asked about every folder name it meets (the refused ones too): so it says whether there are
        // checked-sessions markers, and knownSessions lists them only then
        java.util.concurrent.atomic.AtomicBoolean checked = new java.util.concurrent.atomic.AtomicBoolean();
        for (String key : storage.listNames(prefix, folder -> {
            if (folder.equals(CHECKED_FOLDER)) {
                checked.set(true);
            }
            return entersFolder(folder, fromYear, toYear);
        })) {
            String file = key.substring(key.lastIndexOf('/') + 1);
            LocalDate date = dailyDate(file, symbol.value());
            if (date != null) {
                if (range.contains(date)) {
                    dates.add(date);
                }
                continue;
            }
            int year = fileYear(file, symbol.value());
            if (!interval.isIntraday() && year >= fromYear && year <= toYear) {
                // a file deleted since the listing holds nothing
                storage.getVersioned(key).ifPresent(yearFile -> ParquetFiles.readDates(yearFile.bytes()).stream()
                        .filter(range::contains).forEach(dates::add));
            }
        }
        return new Listed(new Stored(dates), checked.get());
    }

    /** A bar folder worth reading: {@code year=YYYY} of one of the range's years, or any {@code month=MM} in it. */
    static boolean entersFolder(String folder, int fromYear, int toYear) {
        if (folder.startsWith("month=")) {
            return true;
        }
        int year = folder.length() == 9 && folder.startsWith("year=") ? digits(folder, 5, 4) : -1;
        return year >= fromYear && year <= toYear;
    }

    private static final String PARQUET = ".parquet";

    /** The date of a daily bar file {@code SYMBOL-YYYY-MM-DD.parquet}, or null if {@code file} is not one of {@code symbol}'s. */
    static LocalDate dailyDate(String file, String symbol) {
        int at = symbol.length() + 1;
        if (file.length() != at + 10 + PARQUET.length() || !file.startsWith(symbol) || file.charAt(at - 1) != '-' || !file.endsWith(PARQUET)
                || file.charAt(at + 4) != '-' || file.charAt(at + 7) != '-') {
            return null;
        }
        int year = digits(file, at, 4);
        int month = digits(file, at + 5, 2);
        int day = digits(file, at + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) {
            return null;
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (java.time.DateTimeException e) {
            return null; // February 30 and the like: no bar file of ours
        }
    }

    /** The year of a yearly bar file {@code SYMBOL-YYYY.parquet}, or -1 if {@code file} is not one of {@code symbol}'s. */
    static int fileYear(String file, String symbol) {
        int at = symbol.length() + 1;
        if (file.length() != at + 4 + PARQUET.length() || !file.startsWith(symbol) || file.charAt(at - 1) != '-' || !file.endsWith(PARQUET)) {
            return -1;
        }
        return digits(file, at, 4);
    }

    /** The non-negative number written by {@code count} ASCII digits at {@code at}, or -1 if one is not a digit. */
    private static int digits(String text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** A checked-sessions marker: {@code raw/prices/symbol=S/_checked/run-ID.txt}. */
    private static final Pattern CHECKED_MARKER = Pattern.compile(".*/_checked/run-[^/]+\\.txt");

    /**
     * {@link #storedSessions} plus the sessions recorded as checked: the symbol's listing says whether it has a
     * {@code _checked/} folder; only then is that folder listed (on S3 one more ListObjectsV2) and each marker in it
     * read. A rerun of a lake without markers costs the stored-sessions listing alone.
     */
    @Override
    public Map<Symbol, Known> knownSessions(Collection<Symbol> symbols, Interval interval, DateRange range) {
        // no wait here: a year file's dates are read through ParquetFiles, which waits; an empty lake need not
        Map<Symbol, Listed> listed = perSymbol(symbols, storage.listingExecutor(), symbol -> listed(symbol, interval, range), "list");
        List<Symbol> withMarkers = interval.isIntraday() ? List.of()
                : listed.entrySet().stream().filter(e -> e.getValue().hasChecked()).map(Map.Entry::getKey).toList();
        Map<Symbol, Map<LocalDate, Checked>> checked = perSymbol(withMarkers, Executors.newVirtualThreadPerTaskExecutor(),
                symbol -> checked(symbol, range), "read the checked sessions of");
        Map<Symbol, Known> known = new LinkedHashMap<>();
        listed.forEach((symbol, held) -> known.put(symbol, new Known(held.stored(), checked.getOrDefault(symbol, Map.of()))));
        return known;
    }

    private Map<LocalDate, Checked> checked(Symbol symbol, DateRange range) {
        Map<LocalDate, Checked> checked = new HashMap<>();
        for (String key : storage.list(layout.checkedOf(symbol))) {
            if (!CHECKED_MARKER.matcher(key).matches()) {
                continue;
            }
            for (String line : new String(storage.get(key), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2 && !line.startsWith("#")) {
                    LocalDate date = LocalDate.parse(parts[0]);
                    if (range.contains(date)) {
                        checked.merge(date, Checked.parse(parts[1]), (a, b) -> a == Checked.QUARANTINED ? a : b);
                    }
                }
            }
        }
        return checked;
    }

    /**
     * One small text marker per symbol and run, {@code raw/prices/symbol=S/_checked/run-ID.txt}, a line
     * {@code DATE REASON} per session (see docs/lake-layout.md). Each appears whole (the storage writes a temporary
     * and renames it, or one PUT) and carries its run's id, so {@code --shard} processes never write the same object.
     */
    @Override
    public void recordChecked(Interval interval, Map<Symbol, Map<LocalDate, Checked>> checked, RunContext context) {
        ParquetFiles.awaitInitialised();
        if (interval.isIntraday() || checked.isEmpty()) {
            return;
        }
        List<Map.Entry<Symbol, Map<LocalDate, Checked>>> markers = checked.entrySet().stream().filter(e -> !e.getValue().isEmpty()).toList();
        inParallel(markers, marker -> {
            StringBuilder text = new StringBuilder("# stock-ingest checked sessions v1 symbol=" + marker.getKey().value() + " run=" + context.runId() + "\n");
            new TreeMap<>(marker.getValue()).forEach((date, why) -> text.append(date).append(' ').append(why.code()).append('\n'));
            storage.put(layout.checkedMarker(marker.getKey(), context.runId()), text.toString().getBytes(StandardCharsets.UTF_8));
            return new WriteResult(1, 0, marker.getValue().size());
        });
    }

    /** Tries of a yearly merge that keeps losing to other writers before the batch fails. */
    static final int MERGE_ATTEMPTS = 5;

    /**
     * One file per symbol and year. A year whose file exists is merged with it; the write is conditional on the
     * version read ({@code If-Match} on S3, {@code If-None-Match: *} where there was no file), so a concurrent
     * writer's rows are never overwritten: on a lost race the file is read and merged again.
     */
    private WriteResult writeYears(BarBatch batch, Planned planned) {
        // bars come sorted by time, so a year's bars are one run: one map look-up per run, not per bar
        Map<Integer, List<Bar>> byYear = new TreeMap<>();
        List<Bar> run = null;
        int runYear = 0;
        for (Bar bar : batch.bars()) {
            int year = bar.date().getYear();
            if (run == null || year != runYear) {
                run = byYear.computeIfAbsent(year, y -> new ArrayList<>());
                runYear = year;
            }
            run.add(bar);
        }
        Set<String> existing = storage.list(layout.pricesOf(batch.symbol()));
        // plan every year (reading the files to merge into, in parallel), then the features, then write the years
        Map<Integer, YearFile> plans = new java.util.concurrent.ConcurrentSkipListMap<>();
        WriteResult skipped = inParallel(List.copyOf(byYear.entrySet()), year -> {
            String key = layout.yearlyPrice(batch.symbol(), year.getKey());
            Optional<YearFile> plan = planYear(batch, key, year.getValue(), existing.contains(key));
            plan.ifPresent(file -> plans.put(year.getKey(), file));
            return plan.isPresent() ? WriteResult.NOTHING : new WriteResult(0, 1, 0);
        });
        plans.values().forEach(file -> planned.written().add(file.key(), file.rows(), file.batchRows()));
        planned.beforePrices().run();
        return skipped.plus(inParallel(List.copyOf(plans.values()), file -> {
            YearFile plan = file;
            for (int attempt = 1; attempt <= MERGE_ATTEMPTS; attempt++) {
                byte[] bytes = encode(LakeSchemas.DAILY, plan.rows(), batch.context().ingestTs());
                boolean written = plan.current().isPresent() ? storage.replaceIfUnchanged(plan.key(), bytes, plan.current().get().version())
                        : storage.putIfAbsent(plan.key(), bytes);
                if (written) {
                    return new WriteResult(1, 0, plan.rows().size());
                }
                // another writer changed the file since it was planned: merge into what is there now (the features
                // written are the plan's; two processes writing one symbol at once are documented above)
                Optional<YearFile> again = planYear(batch, plan.key(), plan.batchRows(), true);
                if (again.isEmpty()) {
                    return new WriteResult(0, 1, 0);
                }
                plan = again.get();
            }
            throw new IngestException(ErrorKind.SINK, "Cannot merge " + batch.symbol() + " " + plan.key() + " into " + name
                    + ": another writer changed the file " + MERGE_ATTEMPTS + " times while this run merged it; run again");
        }));
    }

    /** A yearly price file to write: its key, all its rows, the batch's rows among them, and the version it replaces. */
    private record YearFile(String key, List<Bar> rows, List<Bar> batchRows, Optional<LakeStorage.Versioned> current) {
    }

    /**
     * The yearly file {@code key} with the batch's {@code bars} of its year merged in (its rows outside the batch's
     * range kept; under {@code OVERWRITE} its rows inside the range replaced), or empty when the file holds every
     * one of those sessions already and the batch does not overwrite.
     */
    private Optional<YearFile> planYear(BarBatch batch, String key, List<Bar> bars, boolean read) {
        boolean overwrite = batch.options().existing() == WriteOptions.Existing.OVERWRITE;
        Optional<LakeStorage.Versioned> current = read ? storage.getVersioned(key) : Optional.empty();
        List<Bar> rows = new ArrayList<>(bars);
        if (current.isPresent()) {
            List<Bar> old = ParquetFiles.read(current.get().bytes()).stream().map(r -> LakeSchemas.toBar(r, batch.interval())).toList();
            Set<LocalDate> oldDates = old.stream().map(Bar::date).collect(Collectors.toSet());
            if (!overwrite && rows.stream().allMatch(bar -> oldDates.contains(bar.date()))) {
                return Optional.empty();
            }
            Set<LocalDate> newDates = rows.stream().map(Bar::date).collect(Collectors.toSet());
            old.stream().filter(bar -> !newDates.contains(bar.date()) && (overwrite ? !batch.range().contains(bar.date()) : true))
                    .forEach(rows::add);
            rows.sort(Comparator.comparing(Bar::date));
        }
        return Optional.of(new YearFile(key, rows, bars, current));
    }

    /**
     * Runs {@code write} for every item on virtual threads, at most the sink's concurrency at once (shared by all
     * batches), and sums the results. After a failure no further item starts; the first failure is rethrown once
     * the started ones have finished.
     */
    private <T> WriteResult inParallel(List<T> items, Function<T, WriteResult> write) {
        if (items.size() == 1) {
            uploads.acquireUninterruptibly();
            try {
                return write.apply(items.getFirst());
            } finally {
                uploads.release();
            }
        }
        List<Future<WriteResult>> futures = new ArrayList<>(items.size());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                uploads.acquireUninterruptibly();
                if (failed.get() != null) {
                    uploads.release();
                    break;
                }
                futures.add(executor.submit(() -> {
                    try {
                        return write.apply(item);
                    } catch (RuntimeException | Error e) {
                        failed.compareAndSet(null, e);
                        throw e;
                    } finally {
                        uploads.release();
                    }
                }));
            }
        }
        WriteResult result = WriteResult.NOTHING;
        for (Future<WriteResult> future : futures) {
            try {
                result = result.plus(future.get());
            } catch (ExecutionException e) {
                // rethrown below: the first failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing " + name, e);
            }
        }
        Throwable first = failed.get();
        if (first instanceof RuntimeException runtime) {
            throw partialFailure(runtime, result);
        }
        if (first instanceof Error error) {
            throw error;
        }
        return result;
    }

    /**
     * {@code failure} of a write that had stored {@code stored} before it: the files stored are there to stay and the
     * summary counts them (issue 17, item 3), so the failure carries them as a {@link PartialWriteException}.
     */
    private RuntimeException partialFailure(RuntimeException failure, WriteResult stored) {
        IngestException ingest = failure instanceof IngestException e ? e
                : new IngestException(ErrorKind.SINK, "Cannot write to " + name + ": " + failure.getMessage(), failure);
        return stored.equals(WriteResult.NOTHING) && ingest == failure ? failure
                : new PartialWriteException(ingest, stored.plus(PartialWriteException.writtenBy(failure)));
    }

    private static byte[] encode(Schema schema, List<Bar> bars, Instant ingestTs) {
        List<Bar> sorted = new ArrayList<>(bars);
        sorted.sort(Comparator.comparing(Bar::ts));
        return ParquetFiles.writeBars(schema, sorted, ingestTs);
    }

    /** One file per statement (symbol, type, period end); existing ones are skipped unless forced. */
    @Override
    public WriteResult writeStatements(List<FinancialStatement> statements, WriteOptions options, RunContext context) {
        ParquetFiles.awaitInitialised();
        Map<String, Set<String>> listings = new HashMap<>();
        List<Map.Entry<String, FinancialStatement>> files = new ArrayList<>();
        for (FinancialStatement statement : statements) {
            listings.computeIfAbsent(layout.statementsOf(statement.type(), statement.symbol()),
                    prefix -> options.existing() == WriteOptions.Existing.OVERWRITE ? Set.of() : storage.list(prefix));
            files.add(Map.entry(layout.statement(statement.type(), statement.symbol(), statement.periodEnd()), statement));
        }
        return inParallel(files, file -> {
            FinancialStatement statement = file.getValue();
            byte[] bytes = ParquetFiles.write(LakeSchemas.STATEMENT, List.of(LakeSchemas.statement(statement, context.ingestTs())));
            return store(file.getKey(), bytes, 1, options, listings.get(layout.statementsOf(statement.type(), statement.symbol())));
        });
    }

    /** One file per underlying and snapshot date with every contract, sorted by contract. */
    @Override
    public WriteResult writeOptions(List<OptionSnapshot> snapshots, WriteOptions options, RunContext context) {
        ParquetFiles.awaitInitialised();
        Map<String, List<OptionSnapshot>> byFile = new TreeMap<>();
        snapshots.forEach(o -> byFile.computeIfAbsent(layout.options(o.underlying(), o.date()), k -> new ArrayList<>()).add(o));
        Map<String, Set<String>> listings = new HashMap<>();
        byFile.values().forEach(file -> listings.computeIfAbsent(layout.optionsOf(file.getFirst().underlying()),
                prefix -> options.existing() == WriteOptions.Existing.OVERWRITE ? Set.of() : storage.list(prefix)));
        return inParallel(List.copyOf(byFile.entrySet()), file -> {
            List<GenericRecord> records = file.getValue().stream().sorted(Comparator.comparing(OptionSnapshot::contract))
                    .map(o -> LakeSchemas.option(o, context.ingestTs())).toList();
            Set<String> existing = listings.get(layout.optionsOf(file.getValue().getFirst().underlying()));
            return store(file.getKey(), ParquetFiles.write(LakeSchemas.OPTION, records), records.size(), options, existing);
        });
    }

    /**
     * One file per symbol and action type holding its whole history: new actions are merged into what the file has
     * (by ex-date, the newer record winning); a file that would not change is skipped.
     */
    @Override
    public WriteResult writeActions(List<CorporateAction> actions, WriteOptions options, RunContext context) {
        ParquetFiles.awaitInitialised();
        Map<String, List<CorporateAction>> byFile = new TreeMap<>();
        actions.forEach(a -> byFile.computeIfAbsent(layout.actions(a.type(), a.symbol()), k -> new ArrayList<>()).add(a));
        WriteResult result = WriteResult.NOTHING;
        try {
            for (var file : byFile.entrySet()) {
                result = result.plus(writeActionFile(file.getKey(), file.getValue(), options, context));
            }
        } catch (RuntimeException e) {
            throw partialFailure(e, result);
        }
        return result;
    }

    private WriteResult writeActionFile(String key, List<CorporateAction> actions, WriteOptions options, RunContext context) {
        CorporateAction first = actions.getFirst();
        Map<LocalDate, CorporateAction> merged = new TreeMap<>();
        boolean exists = storage.list(layout.actions(first.type(), first.symbol()).replaceAll("[^/]+$", "")).contains(key);
        if (exists && options.existing() == WriteOptions.Existing.SKIP) {
            ParquetFiles.read(storage.get(key)).forEach(r -> {
                CorporateAction old = LakeSchemas.toAction(r);
                merged.put(old.exDate(), old);
            });
        }
        Map<LocalDate, CorporateAction> before = new TreeMap<>(merged);
        actions.forEach(a -> merged.put(a.exDate(), a));
        if (exists && before.equals(merged)) {
            return new WriteResult(0, 1, 0);
        }
        List<GenericRecord> records = merged.values().stream().map(a -> LakeSchemas.action(a, context.ingestTs())).toList();
        storage.put(key, ParquetFiles.write(LakeSchemas.ACTION, records));
        return new WriteResult(1, 0, records.size());
    }

    /**
     * Quotes one file per symbol, New York date and flush: {@code raw/quotes/date=D/symbol=S/S-D-HHMM.parquet}.
     * Quotes with the same (symbol, time) are kept once; a file that exists (same minute) is merged.
     */
    @Override
    public WriteResult writeQuotes(List<io.stockingest.core.model.Quote> quotes, RunContext context) {
        ParquetFiles.awaitInitialised();
        Map<String, Map<Instant, io.stockingest.core.model.Quote>> byFile = new TreeMap<>();
        Map<String, List<io.stockingest.core.model.Quote>> bySymbolDay = new TreeMap<>();
        quotes.forEach(q -> bySymbolDay.computeIfAbsent(q.symbol() + "/" + q.time().atZone(java.time.ZoneId.of("America/New_York")).toLocalDate(),
                k -> new ArrayList<>()).add(q));
        for (List<io.stockingest.core.model.Quote> group : bySymbolDay.values()) {
            io.stockingest.core.model.Quote first = group.stream().min(Comparator.comparing(io.stockingest.core.model.Quote::time)).orElseThrow();
            String key = layout.quotes(first.symbol(), first.time().atZone(java.time.ZoneId.of("America/New_York")));
            Map<Instant, io.stockingest.core.model.Quote> rows = byFile.computeIfAbsent(key, k -> new TreeMap<>());
            group.forEach(q -> rows.put(q.time(), q));
        }
        WriteResult result = WriteResult.NOTHING;
        for (var file : byFile.entrySet()) {
            Map<Instant, io.stockingest.core.model.Quote> rows = new TreeMap<>();
            String folder = file.getKey().substring(0, file.getKey().lastIndexOf('/') + 1);
            if (storage.list(folder).contains(file.getKey())) {
                ParquetFiles.read(storage.get(file.getKey())).forEach(old -> rows.put(LakeSchemas.toQuote(old).time(), LakeSchemas.toQuote(old)));
            }
            rows.putAll(file.getValue());
            List<GenericRecord> records = rows.values().stream().map(q -> LakeSchemas.quote(q, context.ingestTs())).toList();
            storage.put(file.getKey(), ParquetFiles.write(LakeSchemas.QUOTE, records));
            result = result.plus(new WriteResult(1, 0, records.size()));
        }
        return result;
    }

    private WriteResult store(String key, byte[] bytes, long rows, WriteOptions options, Set<String> existing) {
        if (options.existing() == WriteOptions.Existing.OVERWRITE) {
            storage.put(key, bytes);
            return new WriteResult(1, 0, rows);
        }
        if (existing.contains(key) || !storage.putIfAbsent(key, bytes)) {
            return new WriteResult(0, 1, 0);
        }
        return new WriteResult(1, 0, rows);
    }

    @Override
    public void writeQuarantine(List<Rejected> rejected, RunContext context) {
        ParquetFiles.awaitInitialised();
        if (rejected.isEmpty()) {
            return;
        }
        List<GenericRecord> records = rejected.stream()
                .sorted(Comparator.comparing((Rejected r) -> r.bar().symbol()).thenComparing(r -> r.bar().ts()))
                .map(r -> LakeSchemas.rejected(r, context.runId(), context.ingestTs()))
                .toList();
        storage.put(layout.quarantine("prices", runDate(context.startedAt()), context.runId()), ParquetFiles.write(LakeSchemas.QUARANTINE, records));
    }

    /**
     * The run's record, rewritten while it runs (every 5 s) and at its end. The first write of a run into a folder lists
     * that folder, which deletes the temporaries a run killed while writing its record left there (see
     * {@link LocalLakeStorage}).
     */
    @Override
    public void writeRun(RunReport report) {
        ParquetFiles.awaitInitialised();
        String key = layout.runMetrics(runDate(report.startedAt()), report.runId());
        String folder = key.substring(0, key.lastIndexOf('/') + 1);
        if (listedRunFolders.add(folder)) {
            storage.list(folder);
        }
        storage.put(key, report.toJson().getBytes(StandardCharsets.UTF_8));
    }

    private static LocalDate runDate(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /**
     * A local lake: an OS file lock on {@code .<job>.lock} in the lake directory ({@link LakeInstanceLock}). An S3
     * lake: a lease object {@code .<job>.lock} under the prefix, taken and renewed by conditional writes
     * ({@link LeaseInstanceLock}); a killed holder's lease blocks a start on another host until it expires (2 min).
     * Problems while holding a lease (taken over, cannot renew) are written to stderr.
     */
    @Override
    public Optional<InstanceLock> lockInstance(String job, Instant since) {
        return Optional.of(storage instanceof LocalLakeStorage local ? LakeInstanceLock.acquire(local.root(), job, since)
                : LeaseInstanceLock.acquire(storage, job, since, Instant::now, message -> System.err.println(job + ": " + message)));
    }

    @Override
    public void check() {
        storage.check();
    }

    @Override
    public void close() {
        storage.close();
    }
}
