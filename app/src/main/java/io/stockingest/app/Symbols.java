package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.config.ConfigProblems;
import io.stockingest.core.config.Settings;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.spi.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the symbol list of every command that takes one: {@code --symbols A,B,C} and/or {@code --tickers-path FILE} (a CSV with a {@code symbol}
 * column, or one symbol a line; a byte-order mark, blank lines, {@code #} comments and duplicates are tolerated).
 * Every invalid symbol is reported, with its line.
 */
final class Symbols {
    private Symbols() {}

    /**
     * The symbols of {@code --symbols} and {@code --tickers-path} (a file, or an object a plugin reads), problems
     * collected; every command that takes symbols reads them here.
     */
    static List<Symbol> requested(Environment env, Plugins plugins, Settings settings, List<String> symbols, String tickersPath,
            ConfigProblems problems) {
        List<Symbol> requested = new ArrayList<>(parseList(symbols, problems));
        if (tickersPath != null) {
            // a URI whose scheme is a plugin's that reads objects (s3://BUCKET/KEY); anything else is a local file
            Optional<ObjectReader> reader = tickersPath.indexOf(':') > 1 ? plugins.sinkCapability(tickersPath, ObjectReader.class) : Optional.empty();
            if (reader.isPresent()) {
                requested.addAll(parseText(reader.get().readText(tickersPath, settings), tickersPath, problems));
            } else {
                requested.addAll(readFile(env.resolve(tickersPath), problems));
            }
        }
        if (symbols.isEmpty() && tickersPath == null) {
            problems.add("No symbols: give --symbols A,B,C or --tickers-path FILE");
        }
        return requested;
    }

    static List<Symbol> parseList(List<String> raw, ConfigProblems problems) {
        LinkedHashSet<Symbol> out = new LinkedHashSet<>();
        for (String text : raw) {
            if (text.isBlank()) {
                continue;
            }
            Symbol symbol = problems.check(() -> Symbol.parse(text));
            if (symbol != null) {
                out.add(symbol);
            }
        }
        return List.copyOf(out);
    }

    static List<Symbol> readFile(Path file, ConfigProblems problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.USAGE, "Cannot read --tickers-path " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        return parseLines(lines, file.toString(), String.valueOf(file.getFileName()), problems);
    }

    /** The symbols of a tickers file's text (e.g. an S3 object), {@code location} naming it in messages. */
    static List<Symbol> parseText(String text, String location, ConfigProblems problems) {
        String shortName = location.substring(location.lastIndexOf('/') + 1);
        return parseLines(text.lines().toList(), location, shortName, problems);
    }

    private static List<Symbol> parseLines(List<String> lines, String file, String shortName, ConfigProblems problems) {
        List<String> symbols = new ArrayList<>();
        int column = -1;
        boolean header = true;
        int lineNo = 0;
        for (String rawLine : lines) {
            lineNo++;
            String line = lineNo == 1 && rawLine.startsWith("\uFEFF") ? rawLine.substring(1) : rawLine;
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (header) {
                header = false;
                for (int i = 0; i < cells.length; i++) {
                    if (unquote(cells[i]).toLowerCase(Locale.ROOT).equals("symbol") || unquote(cells[i]).toLowerCase(Locale.ROOT).equals("ticker")) {
                        column = i;
                    }
                }
                if (column >= 0) {
                    continue;
                }
                if (cells.length > 1) {
                    throw new IngestException(ErrorKind.USAGE, "--tickers-path " + file + ": a CSV needs a 'symbol' column in its first line");
                }
                column = 0;
            }
            String cell = column < cells.length ? unquote(cells[column]) : "";
            if (cell.isEmpty()) {
                continue;
            }
            int at = lineNo;
            Symbol symbol = problems.check(() -> {
                try {
                    return Symbol.parse(cell);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(shortName + " line " + at + ": " + e.getMessage());
                }
            });
            if (symbol != null) {
                symbols.add(symbol.value());
            }
        }
        return parseList(symbols, problems);
    }

    private static String unquote(String cell) {
        String s = cell.strip();
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1).strip() : s;
    }
}
