package io.stockingest.source.csv;

import static java.util.Objects.requireNonNull;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Dataset;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Daily bars from a directory of CSV files, one per symbol ({@code BRK-B.csv}: a header, then
 * {@code date,open,high,low,close,volume} rows), e.g. a broker's export. Reads files only: thread-safe, no side
 * effects. A bar's time is its session's 09:30 New York open, as the HTTP sources give daily bars.
 */
public final class CsvSource implements Source {
    static final SymbolSpelling SPELLING = SymbolSpelling.DASHED_SHARE_CLASS;
    private static final LocalTime OPEN = LocalTime.of(9, 30);
    private final Path dir;

    public CsvSource(Path dir) {
        this.dir = requireNonNull(dir, "dir is null");
    }

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public Set<Dataset> datasets() {
        return Set.of(Dataset.PRICES);
    }

    @Override
    public List<Bar> fetchBars(BarRequest request) {
        if (request.interval() != Interval.D1) {
            throw new IngestException(ErrorKind.NOT_ENTITLED, "Cannot fetch " + request + " from csv: only daily bars (1d)");
        }
        List<Bar> bars = new ArrayList<>();
        for (var symbol : request.symbols()) {
            Path file = dir.resolve(SPELLING.spell(symbol) + ".csv");
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IngestException(ErrorKind.NOT_FOUND, "Cannot fetch " + symbol + " from csv: no file " + file.getFileName());
            } catch (IOException e) {
                throw new IngestException(ErrorKind.TRANSIENT, "Cannot fetch " + symbol + " from csv: " + e.getMessage(), e);
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] cells = line.strip().split(",");
                try {
                    LocalDate date = LocalDate.parse(cells[0]);
                    if (request.range().contains(date)) {
                        bars.add(new Bar(symbol, Interval.D1, date.atTime(OPEN).atZone(NyseCalendar.NEW_YORK).toInstant(), date,
                                Double.parseDouble(cells[1]), Double.parseDouble(cells[2]), Double.parseDouble(cells[3]), Double.parseDouble(cells[4]),
                                null, Long.parseLong(cells[5]), null, null, name(), Adjustment.NONE));
                    }
                } catch (RuntimeException e) {
                    throw new IngestException(ErrorKind.BAD_RESPONSE, "Cannot read " + symbol + " from csv: bad row '" + line + "' in " + file.getFileName(), e);
                }
            }
        }
        return bars;
    }
}
