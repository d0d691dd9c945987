package io.stockingest.source.csv;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.Settings;
import io.stockingest.core.model.SymbolSpelling;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.SourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a {@link CsvSource} over the directory {@code CSV_SOURCE_DIR}. */
public final class CsvSourceFactory implements SourceFactory {
    @Override
    public Source create(Settings settings) {
        Path dir = Path.of(settings.get("CSV_SOURCE_DIR").orElseThrow(() -> new IngestException(ErrorKind.CONFIG,
                "CSV_SOURCE_DIR is not set: set it to a directory of SYMBOL.csv files (date,open,high,low,close,volume)")));
        if (!Files.isDirectory(dir)) {
            throw new IngestException(ErrorKind.CONFIG, "CSV_SOURCE_DIR " + dir + " is not a directory");
        }
        return new CsvSource(dir);
    }

    /** Files are named like {@code BRK-B.csv}. */
    @Override
    public SymbolSpelling spelling() {
        return CsvSource.SPELLING;
    }
}
